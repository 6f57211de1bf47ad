//! The few sentences that make the page self-explanatory.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::state::Lab;
use crate::tr;

/// A paragraph's message as HTML: the page's own text from `app/locales/*/explain.ftl`, never
/// user input. Chinese joins its wrapped source lines without a space.
fn html(lang: Lang, message: String) -> String {
    let joiner = if lang == Lang::Zh { "" } else { " " };
    message
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(joiner)
}

#[component]
pub fn Explanation(lab: Lab) -> impl IntoView {
    let p = move |message: fn(Lang) -> String| move || html(lab.lang(), message(lab.lang()));
    view! {
        <section class="explain">
            <h2>{move || tr!(lab.lang(), "explain-title")}</h2>
            <p inner_html=p(|l| tr!(l, "explain-grokking"))></p>
            <p inner_html=p(|l| tr!(l, "explain-slider"))></p>
            <ul>
                <li><span class="dot insufficiency"></span><span inner_html=p(|l| tr!(l, "explain-insufficiency"))></span></li>
                <li><span class="dot sufficiency"></span><span inner_html=p(|l| tr!(l, "explain-sufficiency"))></span></li>
                <li><span class="dot surplus"></span><span inner_html=p(|l| tr!(l, "explain-surplus"))></span></li>
            </ul>
            <p inner_html=p(|l| tr!(l, "explain-imdb"))></p>
            <p inner_html=p(|l| tr!(l, "explain-phase"))></p>
            <p inner_html=p(|l| tr!(l, "explain-learned"))></p>
            <p class="cite" inner_html=p(|l| tr!(l, "explain-cite"))></p>
            <p class="cite" id="imdb-citation" inner_html=p(|l| tr!(l, "explain-imdb-cite"))></p>
        </section>
    }
}
