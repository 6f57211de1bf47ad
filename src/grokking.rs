//! The grokking configuration's mechanics: the α rescale of every parameter and the global
//! weight norm whose decay under weight decay the paper ties to generalisation.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::Tensor;
use burn::tensor::backend::Backend;

/// Multiplies every float parameter of `module` by `alpha` (w = α·w₀), keeping it trainable.
///
/// `Param::map(|t| t * α)` would make the parameter a non-leaf of the autodiff graph and
/// silently freeze it; the scaled tensor is detached and marked as requiring grad again.
pub fn rescale<B: Backend, M: Module<B>>(module: M, alpha: f64) -> M {
    if alpha == 1.0 {
        return module;
    }
    module.map(&mut Rescale { alpha })
}

struct Rescale {
    alpha: f64,
}

impl<B: Backend> ModuleMapper<B> for Rescale {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
        let (id, tensor, mapper) = param.consume();
        let trainable = tensor.is_require_grad();
        let scaled = tensor.mul_scalar(self.alpha).detach();
        let scaled = if trainable {
            scaled.require_grad()
        } else {
            scaled
        };
        Param::from_mapped_value(id, scaled, mapper)
    }
}

/// ‖w‖₂², summed over every float parameter, as a one-element tensor left on the device
/// (read back together with the other evaluation numbers).
pub fn squared_weight_norm<B: Backend, M: Module<B>>(
    module: &M,
    device: &B::Device,
) -> Tensor<B, 1> {
    let mut visitor = SquaredNorm {
        total: Tensor::zeros([1], device),
    };
    module.visit(&mut visitor);
    visitor.total
}

struct SquaredNorm<B: Backend> {
    total: Tensor<B, 1>,
}

impl<B: Backend> ModuleVisitor<B> for SquaredNorm<B> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let sum = param.val().powi_scalar(2).sum();
        self.total = self.total.clone() + sum;
    }
}
