"""One pure function per loss, after solo-learn's solo/losses and MAE's forward_loss: tensors in, a scalar out, no state.
Each accepts float32 (the bench) and float64 (the fixtures' truth)."""
from .barlow import barlow_loss_func, barlow_loss_inplace
from .byol import byol_loss_func, byol_symmetric
from .dino import dino_loss, dino_update_center
from .mae import mae_loss, patchify
from .ntxent import nt_xent, simclr_loss_func
