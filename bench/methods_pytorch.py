#!/usr/bin/env python3
"""PyTorch reference for bench/MethodThroughput: one SimCLR training step (2 views, 2048-2048-256 projector, SGD) on
torchvision's ResNet-18 with the small-image stem and on a timm-layout ViT-Tiny (patch 8), and a supervised step on
ResNet-18, at the same resolution, batch and thread count. Run with Debian's /usr/bin/python3 (torch 1.13 + OpenBLAS).

    /usr/bin/python3 bench/methods_pytorch.py [resolution] [batch] [timed steps] [threads]
"""
import pathlib
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
from gen_backbones import VitTiny  # noqa: E402
from gen_methods import nt_xent, projection_mlp  # noqa: E402


def resnet18_small():
    m = torchvision.models.resnet18()
    m.fc = nn.Identity()
    m.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    m.maxpool = nn.Identity()
    return m


def bench(name, model, step, batch, res, timed):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    times, cpu = [], []
    for _ in range(timed + 2):
        x = torch.randn(batch, 3, res, res)
        t0, c0 = time.perf_counter(), time.process_time()
        loss = step(model, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
        cpu.append((time.process_time() - c0) / torch.get_num_threads())
    wall, per_thread = statistics.median(times[2:]), statistics.median(cpu[2:])
    print(f"{name:<24} wall {batch / wall:7.1f} img/s  CPU {batch / per_thread:7.1f} img/s  ({wall:6.2f} / {per_thread:6.2f} s/step)")


def main(res=64, batch=32, timed=3, threads=2):
    torch.set_num_threads(threads)
    print(f"# torch {torch.__version__}, {res} px, batch {batch}, {torch.get_num_threads()} threads")
    for backbone_name, backbone, dim in [("resnet18", resnet18_small(), 512), ("vit-tiny", VitTiny(res, 8), 192)]:
        model = nn.Module()
        model.backbone = backbone
        model.projector = projection_mlp(dim, 2048, 256, 3)

        def simclr(m, x):
            z = [m.projector(m.backbone(x.flip(3) + 0.05 * torch.randn_like(x))) for _ in range(2)]
            return nt_xent(z[0], z[1], 0.2)

        bench(f"simclr/{backbone_name}", model.train(), simclr, batch, res, timed)
    model = nn.Module()
    model.backbone = resnet18_small()
    model.head = nn.Linear(512, 1)
    bench("supervised/resnet18", model.train(),
          lambda m, x: F.binary_cross_entropy_with_logits(m.head(m.backbone(x)).squeeze(1), (torch.rand(x.shape[0]) < 0.1).float()),
          batch, res, timed)


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
