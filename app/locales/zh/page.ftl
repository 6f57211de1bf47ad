# page

# The i18n tests' own message (app/src/i18n/tests.rs).
test-runs = { $count } 次训练

# 设备选择（app/src/protocol.rs）：设备标签、它的提示、表单的菜单。
device-preference-auto = 自动（实测后选更快的）
device-preference-webgpu = WebGPU
device-preference-cpu = CPU（WebAssembly）
device-badge-choosing = 正在选择设备…
device-badge-webgpu = WebGPU · { $adapter }
device-badge-cpu = CPU（WebAssembly）
device-badge-detail = { $device } · { $why }
device-badge-no-webgpu = { $device } · 无 WebGPU
device-reason-asked-cpu = CPU（WebAssembly），按你的选择
device-reason-asked-webgpu = WebGPU（{ $adapter }），按你的选择
device-reason-not-measured = WebGPU（{ $adapter }）：未测速（页面没有发来训练批次）
device-reason-no-webgpu = CPU（WebAssembly）：此处没有 WebGPU——{ $why }
device-reason-after-gpu-fault = CPU（WebAssembly）：GPU 停止后，你选择在 CPU 上继续
device-no-webgpu-not-offered = 此浏览器不提供 WebGPU（请换用较新版本的浏览器）
device-no-webgpu-no-request-adapter = 缺少 navigator.gpu.requestAdapter
device-no-webgpu-no-promise = requestAdapter 没有返回 Promise
device-no-webgpu-no-adapter = 有 WebGPU，但没有可用的 GPU 适配器：被阻止、被禁用，或没有受支持的 GPU
device-no-webgpu-burn = burn 无法启动 WebGPU（{ $error }）
device-reason-measured = { $device }：{ $why }
device-reason-measured-speeds = { $device }：{ $why }——{ $speeds }
device-cpu-workers = CPU（{ $workers } 个工作线程）
device-webgpu-adapter = WebGPU（{ $adapter }）
device-gpu-name = 此浏览器的 WebGPU（{ $adapter }）
device-gpu-name-software = 此浏览器的软件 WebGPU（{ $adapter }）
device-why-cpu-faster = 速度是{ $gpu }的 { $times }
device-why-gpu-faster = 速度是{ $cpu }的 { $times }
device-speeds = 实测 { $faster } 对 { $slower } 训练步/秒
device-why-gpu-too-slow = { $gpu }在 { $seconds } 秒内没有完成一步；CPU 达到 { $speed } 训练步/秒
device-why-gpu-failed = { $gpu }出错（{ $error }）；CPU 达到 { $speed } 训练步/秒
device-why-cpu-untimed = 实测 { $speed } 训练步/秒；CPU 未能计时
device-why-none-timed-software = 两者都没能及时完成计时，且推定{ $gpu }较慢
device-why-none-timed-hardware = 两者都没能及时完成计时；推定硬件 GPU 更快

# 训练工作线程说的话（app/src/protocol.rs 的 `Said`，由页面组织成文字）。
worker-fetch-no-answer = { $seconds } 秒内没有响应
worker-measuring = 正在测速，看这个设置在哪里训练更快：先 CPU，再 WebGPU（{ $adapter }）——各跑几步，最多 { $seconds } 秒。
worker-downloading-imdb = 正在下载 IMDB 影评（1.2 MB，Maas 等，2011）…
worker-diverged-early = 训练在第 { $step } 步发散：请尝试更小的学习率或 α。
worker-malformed-batch = 页面请求了一个格式错误的训练批次
worker-too-big = 这次训练约需 { $needed } 内存，超过此设备给一个批次的上限（{ $budget }）：请选择更小的模型、更少的训练样本或更短的影评
worker-download-failed = 下载 IMDB 影评（{ $path }）失败：{ $error }
worker-imdb-unusable = IMDB 影评无法使用：{ $error }
gpu-out-of-memory = GPU 内存不足：请减少每批的训练数、训练集大小的个数，或换用更小的模型。
gpu-error = GPU 报告了错误：{ $error }
gpu-device-lost = GPU 设备丢失（{ $error }）。
gpu-read-failed = 从 GPU 读取结果失败（{ $error }）。

# 训练彻底停止（app/src/scheduler.rs、app/src/pool/page.rs、app/src/crash.rs）。
halted-worker-could-not-start = 训练工作线程无法启动（{ $error }）。已完成的训练都已保存；请重新加载页面再试。
halted-other-build = 此页面与它的训练工作线程来自实验室的不同构建（页面 { $page }，{ $worker }）：其中一个是旧的缓存副本。已完成的训练都已保存；请重新加载页面（Ctrl+Shift+R）以使用同一构建。
halted-other-build-worker = 工作线程 { $build }
halted-other-build-unreadable = 一个此页面读不懂其消息的工作线程
halted-worker-failed = 训练已停止：一个训练工作线程失败了 { $times } 次（最后一次：{ $error }）。已完成的训练都已保存；请重新加载页面以继续。
halted-crash = 实验室意外停止：{ $error }。已完成的训练保存在此浏览器中；请重新加载页面以继续。
halted-reload = 重新加载

# 调度器发出的通知（app/src/scheduler.rs）。
notice-no-webgpu = WebGPU 不可用（{ $reason }）。改在 CPU 上训练：速度较慢，建议选用较小的设置，如“{ $tiny }”预设。
notice-training-on = 训练设备：{ $reason }。
notice-diverged = 训练集大小 N = { $size } 的训练在第 { $step } 步发散：请尝试更小的学习率或 α。其他大小继续训练。
notice-try-again = { $error }。按 ▶ 训练 重试。
notice-worker-restarted = 一个训练工作线程停止了（{ $error }）；它已重新启动，其训练从最后一次评估处继续。

# 在浏览器中保存训练（app/src/apply.rs、app/src/store.rs）。
store-save-failed = 无法在此浏览器中保存这次训练（{ $error }）：重新加载页面之前它会一直留在页面上——请用“导出”保留它。
store-import-save-failed = 无法在此浏览器中保存一次导入的训练（{ $error }）：重新加载页面之前它会一直留在页面上。
store-forget-failed = 无法删除已保存的训练：{ $error }
store-full = 浏览器给此网站的存储空间已满
store-aborted = 浏览器中止了写入
store-unknown-error = 未知的 IndexedDB 错误
store-no-window = 没有浏览器窗口
store-unavailable = IndexedDB 不可用
store-disabled = 此浏览器禁用了 IndexedDB
store-cannot-open = 无法打开实验室的数据库
store-not-opened = 数据库未能打开
store-cannot-use = 无法使用训练存储区
store-cannot-write = 无法写入这次训练
store-cannot-delete = 无法删除一次训练
store-cannot-read = 无法读取已保存的训练

# 下载，以及读取要导入的文件（app/src/export.rs）。
export-download-failed = 下载失败：{ $error }
export-file-too-large = 文件大小为 { $size } MB；实验室最多导入 { $limit } MB 的结果文件。请用 `grokking analyze` 分析它，或导入训练次数更少的扫描结果
export-cannot-read = 无法读取文件：{ $error }
export-not-text = 该文件不是文本

# 导入后显示什么（app/src/import.rs）。
import-summary = 已导入 { $total } 次训练；显示其中 { $shown } 次（N = { $sizes }，每个大小 { $seeds } 个随机种子）。
import-summary-none = 已导入 { $total } 次训练；这里一次也无法显示。
import-hidden = 以下训练保存在此浏览器中，但不在滑块上：{ $groups }。
import-not-set = 未设置
import-difference = { $setting } { $value }（当前显示：{ $shown }）
import-other-setup = { $count } 次属于另一设置（{ $differences }）：设为这些值即可查看
import-other-width = { $count } 次属于另一设置（{ $differences }）：可在模型维度图上查看，或设为该宽度以查看曲线
import-other-seeds = { $count } 次使用随机种子 { $seeds }（实验室每个大小最多显示 { $max } 个连续的随机种子：此处为 { $first }–{ $last }）
import-more-sizes = { $count } 次的 N 大于 { $size }（滑块最多容纳 { $max } 个大小）
import-untrainable = { $count } 次属于实验室无法训练的设置（{ $error }）；`grokking analyze` 可以读取它们
