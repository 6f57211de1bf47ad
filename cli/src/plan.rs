//! A sweep split into work items that can run anywhere: a Slurm array task or a Kubernetes
//! Indexed Job pod per item, then merged into one sweep file (`docs/cluster.md`).
//!
//! A plan is the sweep's runs batched as `grokking sweep` would batch them; each item has a
//! stable id (its index and a digest of its runs), and the plan a digest of all items, so a
//! result can always be traced to the plan and the item that made it.

use anyhow::{Context, bail};
use grokking_lab::ExperimentConfig;
use grokking_lab::record::{self, RunRecord};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const PLAN_FORMAT: &str = "grokking-lab/plan";
pub const RESULT_FORMAT: &str = "grokking-lab/task-result";
pub const VERSION: u32 = 1;

/// One unit of work: runs of one shape, trained as one batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// `0007-3fa2c1d9`: the index and a digest of the runs.
    pub id: String,
    pub runs: Vec<ExperimentConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: String,
    pub version: u32,
    /// A digest of every item: results name it, and `merge` refuses any other.
    pub hash: String,
    pub items: Vec<Item>,
}

/// What one task wrote: the runs of one item of one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    pub format: String,
    pub version: u32,
    pub plan: String,
    pub item: String,
    pub runs: Vec<RunRecord>,
}

fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Plan {
    /// The plan of `batches`, in order.
    pub fn new(batches: Vec<Vec<ExperimentConfig>>) -> Self {
        let items: Vec<Item> = batches
            .into_iter()
            .enumerate()
            .map(|(index, runs)| {
                let json = serde_json::to_string(&runs).expect("configurations serialize");
                Item {
                    id: format!("{index:04}-{}", &digest(&json)[..8]),
                    runs,
                }
            })
            .collect();
        let json = serde_json::to_string(&items).expect("items serialize");
        Self {
            format: PLAN_FORMAT.into(),
            version: VERSION,
            hash: digest(&json)[..16].to_owned(),
            items,
        }
    }

    /// Reads a plan file, checking that it is one and that its items match its digest.
    pub fn load(text: &str) -> anyhow::Result<Self> {
        let plan: Plan = serde_json::from_str(text).context("not a plan file")?;
        if plan.format != PLAN_FORMAT || plan.version != VERSION {
            bail!(
                "not a plan file of this version (format {:?}, version {})",
                plan.format,
                plan.version
            );
        }
        let again = Self::new(plan.items.iter().map(|item| item.runs.clone()).collect());
        if again.hash != plan.hash || again.items != plan.items {
            bail!(
                "the plan file was edited after `grokking plan` wrote it (its digest no longer matches): write it again"
            );
        }
        // The digest proves nothing against an edit that recomputed it: every run must be
        // one this version trains.
        if plan.items.is_empty() {
            bail!("the plan has no items: write it again with `grokking plan`");
        }
        for item in &plan.items {
            if item.runs.is_empty() {
                bail!("item {} has no runs: write the plan again", item.id);
            }
            for (k, config) in item.runs.iter().enumerate() {
                grokking_lab::data::check(config)
                    .with_context(|| format!("item {}, run {k} cannot be trained", item.id))?;
            }
        }
        Ok(plan)
    }

    /// The file name of item `index`'s result in the results directory.
    pub fn result_name(&self, index: usize) -> String {
        format!("item-{}.json", self.items[index].id)
    }
}

impl TaskResult {
    /// The plan `text` is a task result of, if it is one.
    pub fn plan_of(text: &str) -> Option<String> {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .filter(|v| v["format"] == RESULT_FORMAT)
            .and_then(|v| v["plan"].as_str().map(str::to_owned))
    }

    pub fn new(plan: &Plan, index: usize, runs: Vec<RunRecord>) -> Self {
        Self {
            format: RESULT_FORMAT.into(),
            version: VERSION,
            plan: plan.hash.clone(),
            item: plan.items[index].id.clone(),
            runs,
        }
    }

    /// Reads a result file: the format, every run's checks, and that it is the result of
    /// item `index` of `plan` (the runs it promised, no others).
    pub fn load_for(text: &str, plan: &Plan, index: usize) -> anyhow::Result<Self> {
        let result: TaskResult = serde_json::from_str(text).context("not a task result")?;
        if result.format != RESULT_FORMAT || result.version != VERSION {
            bail!("not a task result of this version");
        }
        if result.plan != plan.hash {
            bail!(
                "it belongs to another plan ({}, this one is {})",
                result.plan,
                plan.hash
            );
        }
        let item = &plan.items[index];
        if result.item != item.id {
            bail!("it is item {}, not {}", result.item, item.id);
        }
        for (k, run) in result.runs.iter().enumerate() {
            run.check().with_context(|| format!("run {k}"))?;
        }
        let configs: Vec<&ExperimentConfig> = result.runs.iter().map(|r| &r.config).collect();
        if configs != item.runs.iter().collect::<Vec<_>>() {
            bail!(
                "its runs are not the ones the plan lists for item {}",
                item.id
            );
        }
        Ok(result)
    }

    /// Pretty JSON, each run as the run format writes it.
    pub fn to_json(&self) -> String {
        record::to_json(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokking_lab::presets;

    fn plan() -> Plan {
        let a = presets::TINY.config(300);
        let b = presets::TINY.config(500);
        Plan::new(vec![vec![a], vec![b]])
    }

    #[test]
    fn a_plan_reads_back_and_its_ids_are_stable() {
        let plan = plan();
        let text = serde_json::to_string(&plan).unwrap();
        assert_eq!(Plan::load(&text).unwrap(), plan);
        assert_eq!(plan.items[1].id, self::plan().items[1].id);
        assert!(plan.items[0].id.starts_with("0000-"));
        assert_ne!(plan.items[0].id[5..], plan.items[1].id[5..]);
    }

    /// Writes `plan` as `grokking plan` would, digest and all, so only the checks behind
    /// the digest can refuse it.
    fn with_fresh_digest(plan: &Plan) -> String {
        let batches = plan.items.iter().map(|item| item.runs.clone()).collect();
        serde_json::to_string(&Plan::new(batches)).unwrap()
    }

    #[test]
    fn a_plan_with_a_recomputed_digest_is_still_refused_when_it_cannot_train() {
        let mut invalid = plan();
        invalid.items[0].runs[0].model.n_heads = 5; // 32 is not divisible by 5
        let error = Plan::load(&with_fresh_digest(&invalid)).unwrap_err();
        assert!(
            format!("{error:#}").contains("cannot be trained"),
            "{error:#}"
        );
        let empty = Plan::new(Vec::new());
        let error = Plan::load(&serde_json::to_string(&empty).unwrap()).unwrap_err();
        assert!(error.to_string().contains("no items"), "{error}");
        let mut hollow = plan();
        hollow.items[1].runs.clear();
        let error = Plan::load(&with_fresh_digest(&hollow)).unwrap_err();
        assert!(error.to_string().contains("has no runs"), "{error}");
    }

    #[test]
    fn an_edited_plan_is_refused() {
        let mut plan = plan();
        plan.items[0].runs[0].training.steps += 1;
        let error = Plan::load(&serde_json::to_string(&plan).unwrap()).unwrap_err();
        assert!(error.to_string().contains("edited"), "{error}");
    }
}
