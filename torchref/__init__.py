"""The workbook's PyTorch transcription: one copy of the models, heads, losses and optimiser that the C# library
implements, written plainly after torchvision, timm, solo-learn and MAE's reference code.

Two users import it, so that what the C# side is compared against and what it is timed against are the same code:

- tests/fixtures/gen_*.py (through generate_fixtures.py), which evaluate it in float64 and write the golden fixtures the
  C# tests read;
- bench/pytorch_reference.py, the PyTorch side of the benchmark, which times it in float32 (the bench project copies
  this folder beside the script in its output folder).

Nothing here needs installing: both put the folder that holds torchref/ on sys.path. Debian's python3-torch (1.13)
and python3-torchvision are what it is written for; only resnet.py needs torchvision.

One concept per module:

- resnet.py: torchvision's ResNet-18 trunk (no fc), with the small-image stem as an option;
- vit.py: ViT-Tiny in timm's layout (patch embedding, blocks, class token, position embeddings);
- heads.py: solo-learn's projector MLP and DINO head;
- mae.py: MAE's sin-cos position embeddings, decoder and random masking;
- losses/: one pure function per loss (NT-Xent, BYOL, Barlow Twins, DINO, MAE);
- lars.py: solo-learn's LARS;
- teacher.py: momentum teachers (copy, freeze, EMA);
- methods.py: each method's model and training loss, by the workbook's method names and config keys.
"""
