"""solo-learn's LARS (solo/utils/lars.py), verbatim in substance."""
import torch


class LARS(torch.optim.Optimizer):
    """SGD with momentum whose step per tensor is scaled by the trust ratio eta ||w|| / (||g|| + wd ||w|| + eps).

    exclude_bias_n_norm: one-dimensional tensors (biases, norm weights) take a plain momentum step without weight decay.
    clip_lr is what solo-learn's recipes set (clip_lr: True in scripts/pretrain/*/simclr|byol|barlow|dino.yaml): the
    tensor's rate becomes min(eta ||w|| / (...), lr); the workbook's CPU profiles run without it.
    """

    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, eta=1e-3, eps=1e-8,
                 exclude_bias_n_norm=False, clip_lr=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        eta=eta, eps=eps, exclude_bias_n_norm=exclude_bias_n_norm, clip_lr=clip_lr)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            weight_decay = group["weight_decay"]
            momentum = group["momentum"]
            dampening = group["dampening"]
            nesterov = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                p_norm = torch.norm(p.data)
                g_norm = torch.norm(p.grad.data)
                if p.ndim != 1 or not group["exclude_bias_n_norm"]:
                    if p_norm != 0 and g_norm != 0:
                        lars_lr = p_norm / (g_norm + p_norm * weight_decay + group["eps"])
                        lars_lr *= group["eta"]
                        if group["clip_lr"]:
                            lars_lr = min(lars_lr / group["lr"], 1)
                        d_p = d_p.add(p, alpha=weight_decay)
                        d_p *= lars_lr
                if momentum != 0:
                    param_state = self.state[p]
                    if "momentum_buffer" not in param_state:
                        buf = param_state["momentum_buffer"] = torch.clone(d_p).detach()
                    else:
                        buf = param_state["momentum_buffer"]
                        buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                    if nesterov:
                        d_p = d_p.add(buf, alpha=momentum)
                    else:
                        d_p = buf
                p.add_(d_p, alpha=-group["lr"])
