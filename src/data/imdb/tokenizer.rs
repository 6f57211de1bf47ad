//! A word-level tokenizer and a frequency-ranked vocabulary.
//!
//! The paper uses BERT's WordPiece tokenizer; a word-level one is what a browser demo can
//! ship in a few kilobytes, and sentiment lives in whole words. Ids are frequency ranks, so
//! a smaller vocabulary is a prefix of a larger one: the lab cuts it at load time without
//! re-preparing the data.

use std::collections::HashMap;

/// Padding: fills sequences to a fixed length; attention ignores it.
pub const PAD: u16 = 0;
/// Any word outside the vocabulary.
pub const UNK: u16 = 1;
/// Prepended to every review; the classifier reads the sentence from its position.
pub const CLS: u16 = 2;
/// The special tokens, in id order.
pub const SPECIALS: [&str; 3] = ["[PAD]", "[UNK]", "[CLS]"];

/// The review text with HTML line breaks removed (aclImdb writes them as `<br />`).
pub fn clean_text(text: &str) -> String {
    text.replace("<br />", " ")
        .replace("<br/>", " ")
        .replace("<br>", " ")
}

/// Lower-cased words (letters, digits and inner apostrophes: "don't", "80s") and the
/// sentiment-bearing punctuation `!` and `?` as words of their own. Everything else
/// separates words.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let finish = |word: &mut String, words: &mut Vec<String>| {
        let trimmed = word.trim_matches('\'');
        if !trimmed.is_empty() {
            words.push(trimmed.to_owned());
        }
        word.clear();
    };
    for c in clean_text(text).chars() {
        if c.is_alphanumeric() || c == '\'' {
            word.extend(c.to_lowercase());
        } else {
            finish(&mut word, &mut words);
            if c == '!' || c == '?' {
                words.push(c.to_string());
            }
        }
    }
    finish(&mut word, &mut words);
    words
}

/// Token strings by id: the specials, then words from most to least frequent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    words: Vec<String>,
    ids: HashMap<String, u16>,
}

/// Largest vocabulary the 16-bit bundle format can hold.
pub const MAX_VOCAB: usize = u16::MAX as usize + 1;

impl Vocabulary {
    /// The `size` most frequent words of `documents` (ties broken alphabetically, so the
    /// result does not depend on hash order), after the special tokens.
    pub fn build<'a>(documents: impl IntoIterator<Item = &'a [String]>, size: usize) -> Self {
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for document in documents {
            for word in document {
                *counts.entry(word.as_str()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let size = size.clamp(SPECIALS.len(), MAX_VOCAB);
        let words = SPECIALS
            .iter()
            .map(|s| s.to_string())
            .chain(ranked.into_iter().map(|(word, _)| word.to_owned()))
            .take(size)
            .collect();
        Self::from_words(words)
    }

    /// A vocabulary from its word list (id = position), e.g. a bundle's `vocab.txt`.
    pub fn from_words(words: Vec<String>) -> Self {
        let ids = words
            .iter()
            .enumerate()
            .map(|(id, word)| (word.clone(), id as u16))
            .collect();
        Self { words, ids }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn id(&self, word: &str) -> u16 {
        self.ids.get(word).copied().unwrap_or(UNK)
    }

    pub fn encode(&self, words: &[String]) -> Vec<u16> {
        words.iter().map(|word| self.id(word)).collect()
    }

    /// Words for ids, joined by spaces; ids past the end read as `[UNK]`.
    pub fn decode(&self, ids: &[u16]) -> String {
        ids.iter()
            .map(|&id| {
                self.words
                    .get(usize::from(id))
                    .map_or(SPECIALS[usize::from(UNK)], String::as_str)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tokenizes_words_breaks_and_punctuation() {
        assert_eq!(
            tokenize("Don't see it!<br /><br />The 80s' worst... 'Really'?"),
            words(&[
                "don't", "see", "it", "!", "the", "80s", "worst", "really", "?"
            ])
        );
        assert_eq!(tokenize("  "), Vec::<String>::new());
        assert_eq!(tokenize("ÉLAN café"), words(&["élan", "café"]));
    }

    #[test]
    fn vocabulary_ranks_by_frequency_then_alphabet() {
        let docs = [words(&["b", "a", "c", "a"]), words(&["c", "d"])];
        let vocab = Vocabulary::build(docs.iter().map(Vec::as_slice), 5);
        assert_eq!(vocab.words(), words(&["[PAD]", "[UNK]", "[CLS]", "a", "c"]));
        assert_eq!(vocab.encode(&words(&["c", "b"])), [4, UNK]);
        assert_eq!(vocab.decode(&[CLS, 3, 99]), "[CLS] a [UNK]");
    }
}
