"""The shared start of the PyTorch baselines (torch_unet_step.py, torch_wan_step.py): the carried
diffusers source on sys.path, torch and the named diffusers classes imported, a CUDA device
present. Anything missing prints a SKIPPED line and gives None (the scripts then exit 77).
"""

import importlib
import os
import sys

DEFAULT_DIFFUSERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".carry", "diffusers", "src")


def import_baseline(what, diffusers_dir, class_names):
    """(torch, [classes]) or None."""
    if not os.path.isdir(os.path.join(diffusers_dir, "diffusers")):
        print(f"SKIPPED {what}: no diffusers source at {diffusers_dir}")
        return None
    sys.path.insert(0, diffusers_dir)
    try:
        torch = importlib.import_module("torch")
        diffusers = importlib.import_module("diffusers")
        classes = [getattr(diffusers, name) for name in class_names]
    except (ImportError, AttributeError) as err:
        print(f"SKIPPED {what}: {err}")
        return None
    if not torch.cuda.is_available():
        print(f"SKIPPED {what}: no CUDA device")
        return None
    return torch, classes
