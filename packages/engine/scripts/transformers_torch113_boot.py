"""Lets transformers v4.57.6 build (not run) its PyTorch models on Debian's torch 1.13.1, for
dump_reference_params.py --library transformers --boot transformers_torch113_boot.

transformers 4.57 disables PyTorch below 2.1 and touches a few torch 2 names at import time.
Module construction needs none of them, so they get inert stand-ins here:
- the installed torch version as transformers' import check reads it: reported as 2.1.0;
- torch.distributed.tensor.DTensor, torch._dynamo.allow_in_graph / disable: placeholders;
- torch.utils._pytree.register_pytree_node: torch 1.13's _register_pytree_node;
- tokenizers' Encoding (named in a type annotation when the tokenizers package is absent).
The shims for diffusers (torch113_shims) must be importable too.
"""
import builtins
import importlib.metadata as metadata
import sys
import types

builtins.EncodingFast = object
_version = metadata.version
metadata.version = lambda name: "2.1.0" if name == "torch" else _version(name)

import torch  # noqa: E402
import torch.utils._pytree as pytree  # noqa: E402
import torch113_shims  # noqa: E402,F401

_dtensor = types.ModuleType("torch.distributed.tensor")
_dtensor.DTensor = type("DTensor", (), {})
sys.modules.setdefault("torch.distributed.tensor", _dtensor)
torch.distributed.tensor = sys.modules["torch.distributed.tensor"]
if not hasattr(pytree, "register_pytree_node"):
    pytree.register_pytree_node = lambda cls, flatten, unflatten, **_: pytree._register_pytree_node(cls, flatten, unflatten)
if not hasattr(torch, "_dynamo"):
    torch._dynamo = types.SimpleNamespace(allow_in_graph=lambda f: f, disable=lambda f=None, **_: f or (lambda g: g))
