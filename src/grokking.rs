//! The grokking configuration's mechanics: the α rescale of every parameter and the weight
//! norm whose decay under weight decay the paper ties to generalisation. Models hold `R`
//! runs along every parameter's first axis, so both act per run.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor, TensorData};

/// Multiplies run `r`'s parameters by `alphas[r]` (w = α·w₀), keeping them trainable.
///
/// `Param::map(|t| t * α)` would make the parameter a non-leaf of the autodiff graph and
/// silently freeze it; the scaled tensor is detached and marked as requiring grad again.
pub fn rescale<M: Module>(module: M, alphas: &[f64]) -> M {
    if alphas.iter().all(|&alpha| alpha == 1.0) {
        return module;
    }
    module.map(&mut Rescale { alphas })
}

struct Rescale<'a> {
    alphas: &'a [f64],
}

impl ModuleMapper for Rescale<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let trainable = tensor.is_require_grad();
        let runs = self.alphas.len();
        let mut dims = [1; D];
        dims[0] = runs;
        let alphas: Vec<f32> = self.alphas.iter().map(|&a| a as f32).collect();
        let alphas = Tensor::<D>::from_data(TensorData::new(alphas, dims), &tensor.device());
        let scaled = tensor.mul(alphas).detach();
        let scaled = if trainable {
            scaled.require_grad()
        } else {
            scaled
        };
        Param::from_mapped_value(id, scaled, mapper)
    }
}

/// ‖w‖₂² of each run, summed over every float parameter: `[R]`, left on the device (read
/// back together with the other evaluation numbers).
pub fn squared_weight_norms<M: Module>(module: &M, runs: usize, device: &Device) -> Tensor<1> {
    let mut visitor = SquaredNorm {
        runs,
        total: Tensor::zeros([runs], device),
    };
    module.visit(&mut visitor);
    visitor.total
}

struct SquaredNorm {
    runs: usize,
    total: Tensor<1>,
}

impl ModuleVisitor for SquaredNorm {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let per_run = value.shape().num_elements() / self.runs;
        let sums = value
            .reshape([self.runs, per_run])
            .powi_scalar(2)
            .sum_dim(1)
            .reshape([self.runs]);
        self.total = self.total.clone() + sums;
    }
}
