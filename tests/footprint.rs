//! The footprint estimate counts exactly the parameters the models are built with.

use crate::common;

use burn::module::Module;
use burn::tensor::Device;
use grokking_lab::footprint::parameters_per_run;
use grokking_lab::model::Classifier;
use grokking_lab::presets;

#[test]
fn parameter_count_is_the_built_gpts_of_both_forms() {
    // Three regimes is ours (pre-LN), Paper the authors' (OpenAI-GPT, tied head).
    for config in [
        presets::THREE_REGIMES.config(800),
        presets::PAPER.config(100),
    ] {
        let data = grokking_lab::data::dataset(&config, None).unwrap();
        let model = Classifier::init(&config, &[1, 2], &data, &Device::flex());
        assert_eq!(
            2 * parameters_per_run(&config, &data),
            model.num_params() as u64,
            "{:?}",
            config.model.arch
        );
    }
}

#[test]
fn parameter_count_is_the_built_berts() {
    let corpus = common::bundled_imdb();
    let config = common::tiny_imdb(64, 10);
    let data = grokking_lab::data::dataset(&config, Some(&corpus)).unwrap();
    let model = Classifier::init(&config, &[1], &data, &Device::flex());
    assert_eq!(
        parameters_per_run(&config, &data),
        model.num_params() as u64
    );
}
