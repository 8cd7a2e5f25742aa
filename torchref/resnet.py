"""ResNet-18 trunk as torchvision builds it (its BasicBlock, in-place ReLUs and residual sum, Kaiming fan-out init)."""
import torch.nn as nn


def resnet18(small_stem=False):
    """torchvision's resnet18 without fc (features: 512 after global average pooling).

    small_stem: the small-image stem (3x3 stride 1, no max-pool) instead of ImageNet's (7x7 stride 2 and max-pool).
    Layers are replaced in place, so the parameter names and their order stay torchvision's.
    """
    import torchvision  # here, not at the top: the ViT needs no torchvision

    model = torchvision.models.resnet18()
    model.feature_dim = model.fc.in_features
    model.fc = nn.Identity()
    if small_stem:
        model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        nn.init.kaiming_normal_(model.conv1.weight, mode="fan_out", nonlinearity="relu")  # as torchvision inits conv1
        model.maxpool = nn.Identity()
    return model
