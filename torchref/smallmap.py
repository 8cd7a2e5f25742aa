"""The workbook's small-map 3x3 convolution (lib/SslAnomaly/Numerics/SmallMapConvolution.cs) in PyTorch.

On a map of at most 2x2, a 3x3 stride-1 padding-1 convolution has every output position see every input position
through exactly one tap, so y_q = sum_p x_p W[tap(p, q)] is one batched product per output position, with no multiply
spent on padding. The benchmark swaps it into the reference's ResNet-18 when it times ours with the same algorithm
(`small_map_products`), so that the framework ratio compares like with like; larger maps fall through to conv2d, as
ours do.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

MAX_SIDE = 2
_TAP_INDEX = {}


def _tap_index(h, w, device):
    """For output position q and input position p (row-major), the tap ky * 3 + kx that joins them: [q * P + p]."""
    key = (h, w, str(device))
    if key not in _TAP_INDEX:
        positions = h * w
        index = [(p // w - q // w + 1) * 3 + (p % w - q % w + 1) for q in range(positions) for p in range(positions)]
        _TAP_INDEX[key] = torch.tensor(index, dtype=torch.long, device=device)
    return _TAP_INDEX[key]


def small_map_conv3x3(x, weight):
    """conv2d(x, weight, stride=1, padding=1) for x [B, in, h, w] with h, w <= 2, as one bmm over output positions."""
    batch, in_channels, h, w = x.shape
    out_channels, positions = weight.shape[0], h * w
    taps = weight.permute(2, 3, 1, 0).reshape(9, in_channels, out_channels)  # a view of tap-major storage
    blocks = taps.index_select(0, _tap_index(h, w, x.device)).view(positions, positions * in_channels, out_channels)
    flat = x.permute(0, 2, 3, 1).reshape(batch, positions * in_channels)  # a view of a channels-last input
    per_position = flat.unsqueeze(0).expand(positions, batch, positions * in_channels).bmm(blocks)  # [q, B, out]
    # [B, out, h, w] in channels-last strides, as conv2d returns for a channels-last input.
    return per_position.permute(1, 0, 2).reshape(batch, h, w, out_channels).permute(0, 3, 1, 2)


class SmallMapConv2d(nn.Conv2d):
    """nn.Conv2d (same parameter, name and init) whose forward runs maps of at most 2x2 as products."""

    def forward(self, x):
        if x.shape[-1] <= MAX_SIDE and x.shape[-2] <= MAX_SIDE:
            return small_map_conv3x3(x, self.weight)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


def use_small_map_products(model, tap_major):
    """Turns every 3x3 stride-1 padding-1 convolution without bias into a SmallMapConv2d in place (weights untouched),
    as the workbook's ResNet-18 builds its Conv3x3 layers; returns how many. tap_major: the layers that will see small
    maps get their weight stored [3, 3, in, out] in memory (same values and shape), as ours are, so the product reads
    each tap's block contiguously; call it after any model.to(memory_format=...), which would restride them."""
    converted = 0
    for name, module in model.named_modules():
        if (type(module) is nn.Conv2d and module.kernel_size == (3, 3) and module.stride == (1, 1)
                and module.padding == (1, 1) and module.bias is None and module.groups == 1):
            module.__class__ = SmallMapConv2d
            converted += 1
            if tap_major(name):
                with torch.no_grad():
                    module.weight.data = module.weight.data.permute(2, 3, 1, 0).contiguous().permute(3, 2, 0, 1)
    return converted
