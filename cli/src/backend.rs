//! Choosing where training runs: the core takes a burn `Device`, picked here at run time.

use std::sync::OnceLock;

use burn::tensor::Device;
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// burn's CPU backend (flex).
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

    /// The device to train on (the trainer turns autodiff on itself).
    pub fn device(self) -> anyhow::Result<Device> {
        match self {
            Self::Cpu => Ok(Device::flex()),
            Self::Wgpu => wgpu_device(),
        }
    }
}

/// The wgpu device, initialised once per process (burn refuses a second init); a missing
/// adapter is an error from burn's init, explained here.
fn wgpu_device() -> anyhow::Result<Device> {
    static WGPU: OnceLock<Result<Device, String>> = OnceLock::new();
    WGPU.get_or_init(|| {
        Device::wgpu_options().init().map_err(|error| {
            format!(
                "no usable wgpu adapter was found ({error}). Install a GPU driver with Vulkan \
                 support (on Debian without a GPU: `apt-get install mesa-vulkan-drivers` gives a \
                 CPU Vulkan device), or use --backend cpu"
            )
        })
    })
    .clone()
    .map_err(anyhow::Error::msg)
}
