"""Builds torch modules without allocating their weights: each parameter (and, when asked, each
buffer) is replaced by a meta-device tensor of the same shape as it is registered. Shared by
the reference scripts next to this file."""


def build_on_meta(torch, make, buffers=False):
    """Calls make() with parameters (and buffers when `buffers`) moved to the meta device."""
    module_cls = torch.nn.Module
    register_parameter, register_buffer = module_cls.register_parameter, module_cls.register_buffer

    def meta_parameter(self, name, param):
        if param is not None and param.device.type != "meta":
            param = torch.nn.Parameter(torch.empty_like(param, device="meta"), param.requires_grad)
        return register_parameter(self, name, param)

    def meta_buffer(self, name, tensor, persistent=True):
        if tensor is not None and tensor.device.type != "meta":
            tensor = torch.empty_like(tensor, device="meta")
        return register_buffer(self, name, tensor, persistent)

    module_cls.register_parameter = meta_parameter
    if buffers:
        module_cls.register_buffer = meta_buffer
    try:
        return make()
    finally:
        module_cls.register_parameter, module_cls.register_buffer = register_parameter, register_buffer
