"""Momentum teachers (BYOL, DINO): a frozen copy of a student part, registered as teacher_<part> beside it, moved
towards the student by an exponential moving average after each optimiser step."""
import torch

PREFIX = "teacher_"


def add_teacher(model, part, fresh):
    """Registers `fresh` (a new module built like model.<part>) as model.teacher_<part>, holding the student's state,
    with no gradients. A new module rather than a deep copy, because weight_norm defeats copy.deepcopy."""
    for q in fresh.parameters():
        q.requires_grad = False
    model.add_module(PREFIX + part, fresh)
    sync_teachers(model)


def teacher_parts(model):
    """The student parts that have a teacher, in registration order."""
    return [name[len(PREFIX):] for name, _ in model.named_children() if name.startswith(PREFIX)]


def sync_teachers(model):
    """Every teacher takes its student's current state (after the student's weights were set from outside)."""
    for part in teacher_parts(model):
        getattr(model, PREFIX + part).load_state_dict(getattr(model, part).state_dict())


@torch.no_grad()
def ema_update(model, tau, lerp=False):
    """teacher = tau teacher + (1 - tau) student, per tensor: as mul_ and add_ (solo-learn), or as one lerp_ (timm's
    ModelEmaV3; the same value up to rounding, one pass over memory instead of two)."""
    for part in teacher_parts(model):
        for sp, tp in zip(getattr(model, part).parameters(), getattr(model, PREFIX + part).parameters()):
            if lerp:
                tp.lerp_(sp, 1 - tau)
            else:
                tp.mul_(tau).add_(sp, alpha=1 - tau)
