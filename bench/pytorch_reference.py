#!/usr/bin/python3
"""PyTorch side of the workbook's benchmark (bench/, `dotnet run -c Release --project bench`).

Started by the C# harness as a child process; it reads one JSON command per line on stdin and answers with one
JSON line on stdout, so the harness can alternate timed windows between itself and this process (never both at
once: the machine's cores are shared). Nothing here is clever on purpose: the models, heads, losses and LARS are
torchref/ (the workbook's PyTorch transcription after torchvision, timm, solo-learn and MAE's reference code, which the
golden fixtures are generated from too), built with the sizes and hyper-parameters the harness sends (the workbook's
own defaults), so both sides do the same arithmetic. This script adds what a training loop adds: the optimiser from
the workbook's settings, channels-last, the timing, and the protocol.

Two variants of the training script can be set up side by side (train_setup's "variant"):

- "tuned" (the headline comparison): what a PyTorch user who tunes for the CPU writes. The ResNet-18 model and its
  inputs in channels-last (oneDNN's NHWC kernels), the Barlow Twins loss of facebookresearch/barlowtwins (in-place
  on the diagonal, no D x D identity), the teacher EMA as one lerp_ per tensor (timm's ModelEmaV3).
- "nchw" (secondary, --pytorch-nchw): the plain script as solo-learn writes it. NCHW, solo-learn's Barlow Twins loss,
  the EMA as mul_ + add_.

Both share the process settings from "hello": intra-op and inter-op threads, and the glibc malloc tuning the
workbook applies to itself (mallopt with the same values), so the allocator is equal on both sides.

Two switches of train_setup and extract_setup make the comparison like for like (bench/README.md, the fresh-process
protocol):

- "small_map_products": ResNet-18's 3x3 convolutions on maps of at most 2x2 as batched products (torchref/smallmap.py),
  the algorithm the workbook's Conv3x3 runs, with the weights of the layers that see such maps stored tap-major as
  ours are. Off: torchvision's convolutions, as a PyTorch user has them.
- "compile": the forward and loss through torch.compile (inductor; PyTorch 2 only, needs a C++ compiler). The
  optimiser and EMA stay eager. The first step compiles, so the harness always times after a warm-up step.

Commands: hello, gemm, train_setup, train_run, train_free, extract_setup, extract_run, extract_free, augment_setup,
augment_run, decode_setup, decode_run, rss, quit.
"""
import gc
import json
import math
import os
import pathlib
import platform
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# torchref/ sits beside this script in the bench's output folder (the project copies it there), and one folder up in
# the source tree, where the script can be run by hand (see bench/README.md).
_HERE = pathlib.Path(__file__).resolve().parent
if not (_HERE / "torchref").is_dir():
    sys.path.insert(1, str(_HERE.parent))

from torchref import methods  # noqa: E402 (after the path above)
from torchref.lars import LARS  # noqa: E402
from torchref.losses import barlow_loss_func, barlow_loss_inplace  # noqa: E402
from torchref.resnet import resnet18  # noqa: E402
from torchref.smallmap import use_small_map_products  # noqa: E402
from torchref.teacher import ema_update  # noqa: E402
from torchref.vit import VitTiny  # noqa: E402

try:
    import torchvision
    import torchvision.transforms as T
    from torchvision.transforms import InterpolationMode
except ImportError:  # augmentation and ResNet-18 (torchref/resnet.py) need it; ViT-Tiny's train steps do not
    torchvision = None

try:
    from PIL import Image
except ImportError:
    Image = None


# ---------------------------------------------------------------- the harness's backbone and optimiser

def make_backbone(c):
    if c["backbone"] == "resnet18":
        return resnet18(small_stem=c["stem"] == "small")
    return VitTiny(c["resolution"], c["patch"])


def resnet_layer_sides(c):
    """Output side of each ResNet-18 layer ("layer1".."layer4") at the case's resolution and stem."""
    side = c["resolution"]
    if c["stem"] != "small":
        side = (side + 1) // 2  # 7x7 stride-2 convolution
        side = (side + 1) // 2  # 3x3 stride-2 max-pool
    sides = {}
    for layer in range(1, 5):
        if layer > 1:
            side = (side + 1) // 2
        sides[f"layer{layer}"] = side
    return sides


def apply_small_map_products(model, c):
    """The workbook's Conv3x3 in the reference (torchref/smallmap.py): tap-major weights where the maps are small,
    as ours store them. After any channels-last conversion, which would restride those weights. Returns how many."""
    sides = resnet_layer_sides(c)
    small = lambda name: any(name.startswith(layer + ".") or f".{layer}." in name for layer, s in sides.items() if s <= 2)
    converted = 0
    for module in model.modules():
        if hasattr(module, "fc") and hasattr(module, "layer4"):  # every torchvision ResNet in the model (teachers too)
            converted += use_small_map_products(module, small)
    return converted


def make_optimizer(model, c):
    """The method's default optimiser with the workbook's settings (config.json's method and optimizer keys, learning rate per 256 images)."""
    p = c["params"]
    trainable = [q for q in model.parameters() if q.requires_grad]
    lr = p["learning_rate"] * (c["batch"] / 256.0 if p["scale_lr_with_batch"] else 1.0)
    if p["kind"] == "lars":
        return LARS(trainable, lr=lr, momentum=p["momentum"], weight_decay=p["weight_decay"], eta=p["lars_eta"],
                    eps=p["lars_eps"], exclude_bias_n_norm=p["exclude_bias_and_norm"])
    if p["exclude_bias_and_norm"]:
        groups = [{"params": [q for q in trainable if q.ndim > 1], "weight_decay": p["weight_decay"]},
                  {"params": [q for q in trainable if q.ndim <= 1], "weight_decay": 0.0}]
    else:
        groups = [{"params": trainable, "weight_decay": p["weight_decay"]}]
    if p["kind"] == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=p["momentum"])
    return torch.optim.AdamW(groups, lr=lr, betas=(p["beta1"], p["beta2"]), eps=p["adam_eps"])


# ---------------------------------------------------------------- one method's training step

class Method:
    def __init__(self, c):
        self.c = c
        self.tuned = c.get("variant", "tuned") == "tuned"
        # What a PyTorch user does to get oneDNN's NHWC kernels: the model in channels-last once, each batch as it comes.
        self.channels_last = self.tuned and c["backbone"] == "resnet18"
        name = c["method"]
        # A name torchref has no model and loss for stops the benchmark instead of timing some other network under it.
        if name not in methods.METHODS:
            raise ValueError(f"pytorch_reference.py has no PyTorch transcription of method '{name}' (it has: "
                             f"{', '.join(methods.METHODS)}); add its model to build() and its loss to training_loss() in "
                             f"torchref/methods.py, or leave it out with --methods")
        self.name = name
        p = c["params"]
        self.m = methods.build(name, lambda: make_backbone(c), p)
        if self.channels_last:
            self.m.to(memory_format=torch.channels_last)
        self.small_map_convs = apply_small_map_products(self.m, c) if c.get("small_map_products") and c["backbone"] == "resnet18" else 0
        self.compiled = bool(c.get("compile"))
        # The forward and loss as one compiled function; the optimiser and EMA stay eager (LARS is a Python loop).
        self.forward_loss = torch.compile(self.eager_loss) if self.compiled else self.eager_loss
        self.opt = make_optimizer(self.m, c)
        self.tau = p.get("ema_base")  # teacher methods only (BYOL, DINO)
        # tuned: facebookresearch/barlowtwins' in-place loss; nchw: solo-learn's, as the plain script writes it.
        self.barlow_loss = barlow_loss_inplace if self.tuned else barlow_loss_func
        self.step_index = 0

    def eager_loss(self, views, labels):
        """Forward of every view (and the teacher's) and the loss."""
        if self.channels_last:
            views = [v.contiguous(memory_format=torch.channels_last) for v in views]
        return methods.training_loss(self.name, self.m, views, labels, self.c["params"], barlow_loss=self.barlow_loss)

    def loss(self, views, labels):
        return self.forward_loss(views, labels)

    def backward(self, loss):
        self.opt.zero_grad(set_to_none=True)
        loss.backward()

    def ema(self):
        """The teacher EMA: one lerp_ per tensor in the tuned script (timm's ModelEmaV3), mul_ + add_ in the plain one."""
        ema_update(self.m, self.tau, lerp=self.tuned)

    def step(self, views, labels):
        """One training step as a solo-learn/MAE loop does it; returns the loss value (logged every step)."""
        loss = self.loss(views, labels)
        value = loss.item()
        self.backward(loss)
        self.opt.step()
        self.ema()
        self.step_index += 1
        return value

    def profile(self, views, labels, steps):
        """Median milliseconds per phase over `steps` steps (after one warm-up step)."""
        phases = {k: [] for k in ("forward", "readback", "backward", "optimizer", "ema", "total")}
        for k in range(steps + 1):
            t = [time.perf_counter()]
            loss = self.loss(views, labels)
            t.append(time.perf_counter())
            loss.item()
            t.append(time.perf_counter())
            self.backward(loss)
            t.append(time.perf_counter())
            self.opt.step()
            t.append(time.perf_counter())
            self.ema()
            t.append(time.perf_counter())
            if k == 0:
                continue
            for i, name in enumerate(("forward", "readback", "backward", "optimizer", "ema")):
                phases[name].append((t[i + 1] - t[i]) * 1000)
            phases["total"].append((t[-1] - t[0]) * 1000)
        return {k: sorted(v)[len(v) // 2] if len(v) % 2 else (sorted(v)[len(v) // 2 - 1] + sorted(v)[len(v) // 2]) / 2 for k, v in phases.items()}


def count(module, trainable_only):
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


# ---------------------------------------------------------------- augmentation (torchvision on PIL, solo-learn style)

class PilGaussianBlur:
    """solo-learn's GaussianBlur on PIL images (ImageFilter with a random radius)."""

    def __init__(self, sigma):
        self.sigma = sigma

    def __call__(self, img):
        from PIL import ImageFilter
        import random
        return img.filter(ImageFilter.GaussianBlur(radius=random.uniform(*self.sigma)))


def view_transform(v):
    return T.Compose([
        T.RandomResizedCrop(v["size"], scale=(v["crop_min_scale"], v["crop_max_scale"]), interpolation=InterpolationMode.BILINEAR),
        T.RandomApply([T.ColorJitter(v["brightness"], v["contrast"], v["saturation"], v["hue"])], p=v["jitter_p"]),
        T.RandomGrayscale(p=v["grayscale_p"]),
        T.RandomApply([PilGaussianBlur((v["blur_sigma_min"], v["blur_sigma_max"]))], p=v["blur_p"]),
        T.RandomSolarize(threshold=128, p=v["solarize_p"]),
        T.RandomHorizontalFlip(p=v["flip_p"]),
        T.ToTensor(),
        T.Normalize(v["mean"], v["std"]),
    ])


# ---------------------------------------------------------------- protocol

STATE = {}


def synthetic_views(c):
    g = torch.Generator().manual_seed(1)
    n, r = c["batch"], c["resolution"]
    return [torch.randn(n, 3, r, r, generator=g) for _ in range(c["views"])], (torch.rand(n, generator=g) < 0.3).float()


def loaded_blas_libraries():
    """The BLAS shared objects actually mapped (Debian's libblas.so.3 is an alternative: reference or OpenBLAS)."""
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if "blas" in line.lower() and line.rstrip().endswith((".so", ".so.0", ".so.3"))})
    except OSError:
        return []


def apply_malloc_tuning(m):
    """glibc mallopt with the workbook's values (lib/SslAnomaly/Native/NativeAllocator.cs); None: left at glibc's defaults."""
    if not m:
        return None
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        # M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3; mallopt returns 1 on success.
        return all(libc.mallopt(k, m[name]) == 1 for k, name in ((-3, "mmap_threshold"), (-1, "trim_threshold"), (-2, "top_pad")))
    except (OSError, AttributeError):
        return False


def relative_error(value, reference):
    """Largest |value - reference| over the reference's largest magnitude; inf where value is not finite."""
    if not torch.isfinite(value).all():
        return math.inf
    return ((value.double() - reference).abs().max() / reference.abs().max().clamp_min(1e-12)).item()


def backbone_kernel_check(backbone, images, channels_last, tolerance=1e-3):
    """The reference's side of the workbook's kernel check, op by op as the workbook's: every distinct convolution, batch
    norm, linear layer and layer norm the backbone runs (shape, memory format, training mode), in fp32 as the script runs
    it against a float64 copy on the same random input and upstream gradient (float64 kernels do not go through oneDNN);
    errors relative to the reference's largest magnitude. With oneDNN on and, for a failing op, off."""
    import copy
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.Linear, nn.LayerNorm)
    seen, hooks = {}, []

    def record(module, inputs):
        x = inputs[0]
        fmt = "channels_last" if x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous() else "contiguous"
        key = (repr(module), tuple(x.shape), fmt, module.training)
        seen.setdefault(key, (module, tuple(x.shape), fmt))

    for module in backbone.modules():
        if isinstance(module, kinds):
            hooks.append(module.register_forward_pre_hook(record))
    state = copy.deepcopy(backbone.state_dict())
    with torch.no_grad():
        backbone(images.contiguous(memory_format=torch.channels_last) if channels_last else images)
    for h in hooks:
        h.remove()
    backbone.load_state_dict(state)

    generator = torch.Generator().manual_seed(5)
    failures, worst = [], 0.0
    for (description, shape, fmt, training), (module, _, _) in seen.items():
        op = f"{type(module).__name__} {list(shape)} {fmt} {'train' if training else 'eval'}"
        x = torch.randn(shape, generator=generator)
        upstream = None
        results = {}
        for name, enabled in (("mkldnn", True), ("no_mkldnn", False)):
            fp32 = copy.deepcopy(module).float().train(training)
            xi = (x.contiguous(memory_format=torch.channels_last) if fmt == "channels_last" else x.clone()).requires_grad_(True)
            with torch.backends.mkldnn.flags(enabled=enabled):
                y = fp32(xi)
                if upstream is None:
                    upstream = torch.randn(y.shape, generator=generator)
                (y * upstream).sum().backward()
            ref = copy.deepcopy(module).double().train(training)
            xr = x.double().requires_grad_(True)
            yr = ref(xr)
            (yr * upstream.double()).sum().backward()
            errors = [relative_error(y.detach(), yr.detach()), relative_error(xi.grad, xr.grad)]
            errors += [relative_error(p.grad, q.grad) for p, q in zip(fp32.parameters(), ref.parameters())]
            results[name] = max(errors)
            if results[name] <= tolerance:
                break
        worst = max(worst, results["mkldnn"])
        if results["mkldnn"] > tolerance:
            failures.append({"op": op, "mkldnn": results["mkldnn"], "no_mkldnn": results.get("no_mkldnn")})
    return {"tolerance": tolerance, "ops_checked": len(seen), "worst_error": worst, "passed": not failures, "failures": failures,
            "timed_with": "mkldnn" if not failures else "no_mkldnn"}


def handle(cmd):
    op = cmd["op"]
    if op == "hello":
        if cmd.get("interop_threads"):
            try:  # only possible before the first inter-op work, which is why hello comes first
                torch.set_num_interop_threads(cmd["interop_threads"])
            except RuntimeError:
                pass
        torch.set_num_threads(cmd["threads"])
        malloc = apply_malloc_tuning(cmd.get("malloc"))
        blas = [line.strip() for line in torch.__config__.show().splitlines() if "BLAS_INFO" in line]
        return {"torch": torch.__version__, "torchvision": getattr(torchvision, "__version__", None),
                "pil": getattr(Image, "__version__", None), "python": platform.python_version(),
                "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
                "mkldnn": torch.backends.mkldnn.is_available(), "mkldnn_enabled": torch.backends.mkldnn.enabled,
                "malloc_tuning": malloc,
                "blas": blas[0].split("BLAS_INFO=")[1].split(",")[0] if blas else None,
                "blas_libraries": loaded_blas_libraries(),
                # What the harness set in the environment (read by OpenMP and OpenBLAS when torch loaded).
                "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
                "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"),
                "compile_available": hasattr(torch, "compile")}
    if op == "gemm":
        # fp32 peak through torch.mm (BLAS): the best of `reps` products of two n x n matrices at `threads` threads.
        n, previous = cmd["n"], torch.get_num_threads()
        torch.set_num_threads(cmd["threads"])
        a, b = torch.randn(n, n), torch.randn(n, n)
        torch.mm(a, b)
        best = math.inf
        for _ in range(cmd["reps"]):
            start = time.perf_counter()
            torch.mm(a, b)
            best = min(best, time.perf_counter() - start)
        torch.set_num_threads(previous)
        return {"gflops": 2.0 * n ** 3 / best / 1e9, "seconds": best}
    if op == "train_setup":
        variant = cmd.get("variant", "tuned")
        STATE.setdefault("train", {}).pop(variant, None)
        gc.collect()
        torch.manual_seed(0)
        method = Method(cmd)
        views, labels = synthetic_views(cmd)
        if "mkldnn" in cmd:  # the verdict of a kernel check run earlier, in another process of the same configuration
            method.mkldnn = bool(cmd["mkldnn"])
        STATE["train"][variant] = (method, views, labels)
        return {"parameters": count(method.m, False), "trainable": count(method.m, True),
                "small_map_convs": method.small_map_convs, "compiled": method.compiled}
    if op == "kernel_check":
        method, views, labels = STATE["train"][cmd.get("variant", "tuned")]
        verdict = backbone_kernel_check(method.m.backbone, views[0], method.channels_last)
        # A wrong fp32 backbone is timed with oneDNN off (right on every CPU seen), never as itself.
        method.mkldnn = verdict["passed"]
        return verdict
    if op == "train_run":
        method, views, labels = STATE["train"][cmd.get("variant", "tuned")]
        loss = float("nan")
        start, cpu = time.perf_counter(), time.process_time()
        with torch.backends.mkldnn.flags(enabled=getattr(method, "mkldnn", True)):
            for _ in range(cmd["steps"]):
                loss = method.step(views, labels)
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "loss": loss}
    if op == "train_profile":
        method, views, labels = STATE["train"][cmd.get("variant", "tuned")]
        return method.profile(views, labels, cmd["steps"])
    if op in ("train_free", "extract_free"):
        for k in ("train", "extract"):
            STATE.pop(k, None)
        gc.collect()
        return {}
    if op == "extract_setup":
        # The probe phase's feature extraction: the backbone alone, eval mode, no gradients, large batches.
        variant = cmd.get("variant", "tuned")
        STATE.setdefault("extract", {}).pop(variant, None)
        gc.collect()
        torch.manual_seed(0)
        model = make_backbone(cmd).eval()
        x = torch.randn(cmd["batch"], 3, cmd["resolution"], cmd["resolution"], generator=torch.Generator().manual_seed(1))
        channels_last = variant == "tuned" and cmd["backbone"] == "resnet18"
        if channels_last:
            model.to(memory_format=torch.channels_last)
        if cmd.get("small_map_products") and cmd["backbone"] == "resnet18":
            apply_small_map_products(model, cmd)
        STATE["extract"][variant] = (model, x, channels_last)
        return {"parameters": count(model, False)}
    if op == "extract_run":
        model, x, channels_last = STATE["extract"][cmd.get("variant", "tuned")]
        start, cpu = time.perf_counter(), time.process_time()
        with torch.no_grad():
            for _ in range(cmd["batches"]):
                batch = x.contiguous(memory_format=torch.channels_last) if channels_last else x  # as each batch arrives
                features = model(batch).numpy().copy()  # rows into host memory, as the workbook's FeatureSet holds them
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "shape": list(features.shape)}
    if op == "augment_setup":
        if torchvision is None or Image is None:
            return {"error": "torchvision or PIL is not installed"}
        import random
        random.seed(0)
        torch.manual_seed(0)
        g = torch.Generator().manual_seed(2)
        r = cmd["resolution"]
        # Smooth random RGB images (upsampled noise), as PIL images like a Dataset would hand out.
        small = torch.rand(cmd["batch"], 3, max(2, r // 8), max(2, r // 8), generator=g)
        imgs = F.interpolate(small, size=(r, r), mode="bilinear", align_corners=False).clamp(0, 1)
        STATE["pil"] = [Image.fromarray((x.permute(1, 2, 0) * 255).round().byte().numpy()) for x in imgs]
        STATE["transforms"] = [view_transform(v) for v in cmd["views"]]
        return {}
    if op == "augment_run":
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(cmd["batches"]):
            batch = [torch.stack([t(img) for img in STATE["pil"]]) for t in STATE["transforms"]]
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "shape": list(batch[0].shape)}
    if op == "decode_setup":
        STATE["files"] = list(cmd["files"])
        STATE["size"] = (cmd["width"], cmd["height"])
        return {}
    if op == "decode_run":
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(cmd["passes"]):
            for path in STATE["files"]:
                img = Image.open(path)
                img.draft("RGB", STATE["size"])  # JPEG: decode at a reduced scale when possible (as our decoder does)
                img = img.convert("RGB").resize(STATE["size"], Image.BILINEAR)
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
    if op == "rss":
        return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    if op == "quit":
        return {"bye": True}
    return {"error": f"unknown op {op}"}


def main():
    out = sys.stdout
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            reply = handle(cmd)
        except Exception as e:  # report, keep serving
            import traceback
            reply = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-2000:]}
        out.write(json.dumps(reply) + "\n")
        out.flush()
        if cmd.get("op") == "quit":
            break


if __name__ == "__main__":
    main()
