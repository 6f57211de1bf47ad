//! Getting results out (JSON in the run format, CSV, chart SVG/PNG) and back in.

use grokking_lab::AnalysisConfig;
use grokking_lab::record::{self, RunRecord, SweepRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::state::Lab;
use crate::tr;

fn fail(what: &'static str) -> impl Fn(JsValue) -> String {
    move |e| format!("{what}: {e:?}")
}

/// Finished runs of the current settings, smallest size first (and by seed within a size).
pub fn current_records(lab: &Lab) -> Vec<RunRecord> {
    let settings = lab.settings.get_untracked();
    settings
        .sizes()
        .iter()
        .flat_map(|&n| lab.runs_for(n))
        .filter_map(|run| run.record())
        .collect()
}

pub fn sweep_json(lab: &Lab) -> Option<String> {
    let runs = current_records(lab);
    let config = AnalysisConfig::for_task(&runs.first()?.config.task);
    Some(record::to_json(&SweepRecord::new(runs, config)))
}

pub fn csv(lab: &Lab) -> Option<String> {
    let runs = current_records(lab);
    if runs.is_empty() {
        return None;
    }
    let mut out = String::from(
        "train_size,seed,step,train_loss,test_loss,train_acc,test_acc,weight_norm,regime\n",
    );
    for run in &runs {
        for p in &run.history {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                run.config.train_size(),
                run.config.seed,
                p.step,
                p.train_loss,
                p.test_loss,
                p.train_acc,
                p.test_acc,
                p.weight_norm,
                run.summary.regime.name()
            ));
        }
    }
    Some(out)
}

fn blob(content: &str, mime: &str) -> Result<Blob, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_str_sequence_and_options(&parts, &options)
}

fn download_blob(blob: &Blob, filename: &str) -> Result<(), JsValue> {
    let url = Url::create_object_url_with_blob(blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    Url::revoke_object_url(&url)
}

/// Downloads `content` as `filename`; or why not, in `lang`.
pub fn download(lang: Lang, content: &str, mime: &str, filename: &str) -> Result<(), String> {
    blob(content, mime)
        .and_then(|b| download_blob(&b, filename))
        .map_err(|e| tr!(lang, "export-download-failed", error = format!("{e:?}")))
}

/// The chart's SVG markup, standalone.
pub fn svg_markup(chart_id: &str) -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let element = document
        .get_element_by_id(chart_id)
        .ok_or_else(|| format!("no chart {chart_id}"))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        element.outer_html()
    ))
}

/// Downloads a chart as SVG (its errors are the browser's, for the console).
pub fn download_svg(chart_id: &str) -> Result<(), String> {
    let markup = svg_markup(chart_id)?;
    blob(&markup, "image/svg+xml")
        .and_then(|b| download_blob(&b, &format!("{chart_id}.svg")))
        .map_err(|e| format!("download failed: {e:?}"))
}

/// Renders the SVG into a canvas at 2× and downloads it as PNG.
pub async fn download_png(chart_id: &str) -> Result<(), String> {
    let markup = svg_markup(chart_id)?;
    let svg_blob = blob(&markup, "image/svg+xml").map_err(fail("svg"))?;
    let url = Url::create_object_url_with_blob(&svg_blob).map_err(fail("url"))?;
    let image = HtmlImageElement::new().map_err(fail("image"))?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(&url);
    JsFuture::from(loaded)
        .await
        .map_err(fail("the chart did not render"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(fail("canvas"))?
        .dyn_into()
        .map_err(|_| "canvas")?;
    let scale = 2.0;
    canvas.set_width((crate::charts::WIDTH * scale) as u32);
    canvas.set_height((crate::charts::HEIGHT * scale) as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(fail("2d"))?
        .ok_or("no 2d context")?
        .dyn_into()
        .map_err(|_| "2d")?;
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            &image,
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        )
        .map_err(fail("draw"))?;
    Url::revoke_object_url(&url).map_err(fail("url"))?;
    let data_url = canvas
        .to_data_url_with_type("image/png")
        .map_err(fail("png"))?;
    let document_anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail("a"))?
        .dyn_into()
        .map_err(|_| "a")?;
    document_anchor.set_href(&data_url);
    document_anchor.set_download(&format!("{chart_id}.png"));
    document_anchor.click();
    Ok(())
}

/// The largest results file the lab imports: a paper-size model-wise grid (16 widths × 10
/// sizes × 3 seeds of 1,000 evaluations) is about 75 MB; reading and parsing a file takes a
/// few times its size in the page's memory, so far larger files would exhaust it.
pub const MAX_IMPORT_BYTES: f64 = 128.0 * 1024.0 * 1024.0;

/// `Ok` if a file of `bytes` may be imported; otherwise what to do instead, in `lang`.
pub fn check_import_size(lang: Lang, bytes: f64) -> Result<(), String> {
    if bytes <= MAX_IMPORT_BYTES {
        return Ok(());
    }
    let size = format!("{:.0}", bytes / 1e6);
    let limit = format!("{:.0}", MAX_IMPORT_BYTES / 1e6);
    Err(tr!(
        lang,
        "export-file-too-large",
        size = size,
        limit = limit
    ))
}

/// Reads a user-picked file as text, refusing files too large to import; why not in `lang`.
pub async fn read_file(lang: Lang, file: web_sys::File) -> Result<String, String> {
    check_import_size(lang, file.size())?;
    JsFuture::from(file.text())
        .await
        .map_err(|e| tr!(lang, "export-cannot-read", error = format!("{e:?}")))?
        .as_string()
        .ok_or_else(|| tr!(lang, "export-not-text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_beyond_the_import_cap_are_refused_with_the_size_and_an_alternative() {
        assert_eq!(check_import_size(Lang::En, 355_024.0), Ok(()));
        assert_eq!(check_import_size(Lang::En, MAX_IMPORT_BYTES), Ok(()));
        let error = check_import_size(Lang::En, 2e9).unwrap_err();
        assert!(
            error.contains("2000 MB") && error.contains("134 MB"),
            "{error}"
        );
        assert!(error.contains("grokking analyze"), "{error}");
    }

    #[test]
    fn the_import_cap_is_explained_in_chinese() {
        let error = check_import_size(Lang::Zh, 2e9).unwrap_err();
        assert!(
            error.contains("2000 MB") && error.contains("文件"),
            "{error}"
        );
        assert!(error.contains("grokking analyze"), "{error}");
    }
}
