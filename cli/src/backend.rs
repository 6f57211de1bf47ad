//! Choosing a burn backend at run time: the core is generic, so each job is written once
//! as a [`BackendJob`] and instantiated per backend here.

use burn::backend::Autodiff;
use burn::tensor::backend::AutodiffBackend;
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// burn's CPU backend (ndarray).
    Cpu,
    /// Native wgpu: Vulkan, Metal or DX12, whichever the machine has.
    Wgpu,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Wgpu => "wgpu",
        }
    }
}

/// Work that runs on any autodiff backend.
pub trait BackendJob {
    type Output;
    fn run<B: AutodiffBackend>(self, device: B::Device) -> Self::Output;
}

pub fn dispatch<J: BackendJob>(kind: BackendKind, job: J) -> anyhow::Result<J::Output> {
    match kind {
        BackendKind::Cpu => Ok(job.run::<Autodiff<burn::backend::NdArray>>(Default::default())),
        BackendKind::Wgpu => {
            check_wgpu_adapter()?;
            Ok(job.run::<Autodiff<burn::backend::Wgpu>>(Default::default()))
        }
    }
}

/// burn panics deep inside its runtime when no adapter exists; ask first, and explain.
fn check_wgpu_adapter() -> anyhow::Result<()> {
    use burn::tensor::Tensor;
    let probe = std::panic::catch_unwind(|| {
        let device = Default::default();
        let x = Tensor::<burn::backend::Wgpu, 1>::ones([1], &device);
        x.into_scalar()
    });
    match probe {
        Ok(_) => Ok(()),
        Err(_) => anyhow::bail!(
            "no usable wgpu adapter was found. Install a GPU driver with Vulkan support \
             (on Debian without a GPU: `apt-get install mesa-vulkan-drivers` gives a CPU \
             Vulkan device), or use --backend cpu"
        ),
    }
}
