// The start-up self-check's comparison, on the CPU against backend doubles: a second CPU backend
// passes; a backend whose rope is off by 5 % fails naming rope; one whose conv3d throws (as a CUDA
// fault would) fails naming conv3d with the error's message; one whose group_norm is slightly off
// everywhere passes the op probes' tolerance only if the error is within it, and an error only the
// UNet step exposes (a perturbed SiLU activation, after the probes' GeluTanh) names the UNet tensor.
// Then backend selection with a fake device: used when it passes, CPU under auto, refused by name.
#include "backend/cpu/cpu_backend.h"
#include "pipeline/checked_backend.h"
#include "pipeline/device_self_check.h"
#include "test_util.h"

using namespace gpuq;

namespace {

Tensor scaled(Backend& be, const Tensor& t, float f) { return be.axpby(f, t, 0.0f, t); }

class RopeOff final : public CpuBackend {
 public:
  RopeOff() : CpuBackend(2) {}
  std::string name() const override { return "fake gpu with a wrong rope"; }
  Device device() const override { return Device::CUDA; }
  Tensor rope(const Tensor& x, const Tensor& c, const Tensor& s, int heads) override {
    return scaled(*this, CpuBackend::rope(x, c, s, heads), 1.05f);
  }
};

class Conv3dFaults final : public CpuBackend {
 public:
  Conv3dFaults() : CpuBackend(2) {}
  Tensor conv3d(const Tensor&, const Tensor&, const Tensor*, const std::vector<int>&, const std::vector<int>&) override {
    throw Error(ErrorCode::DeviceLost, "CUDA error: an illegal memory access was encountered (conv3d.cu:21)");
  }
};

// Within tolerance: 0.1 % on every group_norm.
class GroupNormNoise final : public CpuBackend {
 public:
  GroupNormNoise() : CpuBackend(2) {}
  Tensor group_norm(const Tensor& x, int g, const Tensor& gm, const Tensor& bt, float eps, bool silu) override {
    return scaled(*this, CpuBackend::group_norm(x, g, gm, bt, eps, silu), 1.001f);
  }
};

// SiLU 10 % off: the probes use GeluTanh, so only the UNet step sees it.
class SiluOff final : public CpuBackend {
 public:
  SiluOff() : CpuBackend(2) {}
  Tensor activation(const Tensor& x, Activation act) override {
    Tensor y = CpuBackend::activation(x, act);
    return act == Activation::SiLU ? scaled(*this, y, 1.1f) : y;
  }
};

class GoodFakeGpu final : public CpuBackend {
 public:
  GoodFakeGpu() : CpuBackend(2) {}
  std::string name() const override { return "fake gpu"; }
  Device device() const override { return Device::CUDA; }
};

// Backend selection: the CPU is never checked; a device that passes is used; one that fails is
// replaced by the CPU under auto and refused (naming the op) when asked for by name.
void check_selection() {
  CHECK(verdict_for("auto", SelfCheckResult{}) == DeviceVerdict::FallBackToCpu);
  CHECK(verdict_for("cuda:1", SelfCheckResult{}) == DeviceVerdict::Refuse);
  auto good = [](const std::string&, int) -> std::shared_ptr<Backend> { return std::make_shared<GoodFakeGpu>(); };
  auto bad = [](const std::string&, int) -> std::shared_ptr<Backend> { return std::make_shared<RopeOff>(); };
  CHECK(make_checked_backend("cpu", 2)->device() == Device::CPU);
  CHECK(make_checked_backend("cuda", 2, good)->name() == "fake gpu");
  CHECK(last_device_self_check() && last_device_self_check()->passed);
  auto fallback = make_checked_backend("auto", 2, bad);
  CHECK(fallback->device() == Device::CPU && fallback->name().rfind("cpu", 0) == 0);
  CHECK(last_device_self_check() && last_device_self_check()->failed_at == "op rope");
  bool refused = false;
  try {
    make_checked_backend("cuda", 2, bad);
  } catch (const Error& e) {
    refused = e.code() == ErrorCode::Unsupported && std::string(e.what()).find("GPUQ_DEVICE=cuda refused") != std::string::npos &&
              std::string(e.what()).find("op rope differed") != std::string::npos;
    std::printf("refused: %s\n", e.what());
  }
  CHECK(refused);
}

}  // namespace

int main() {
  CpuBackend reference(2);

  CpuBackend same(2);
  SelfCheckResult ok = run_device_self_check(reference, same);
  std::printf("%s\n", ok.summary().c_str());
  CHECK(ok.passed && ok.failed_at.empty());
  CHECK(ok.ops_checked == static_cast<int>(backend_op_probes().size()) && ok.ops_checked >= 25);
  CHECK(ok.tensors_checked > 10);

  RopeOff rope_off;
  SelfCheckResult r = run_device_self_check(reference, rope_off);
  std::printf("%s\n", r.summary().c_str());
  CHECK(!r.passed && r.failed_at == "op rope");
  CHECK(r.detail.find("rel L2 0.05") == 0);  // |1.05 y - y| / |y|
  CHECK(r.summary().find("op rope differed") != std::string::npos);

  Conv3dFaults faults;
  SelfCheckResult f = run_device_self_check(reference, faults);
  std::printf("%s\n", f.summary().c_str());
  CHECK(!f.passed && f.failed_at == "op conv3d");
  CHECK(f.detail.find("illegal memory access") != std::string::npos);

  GroupNormNoise noise;
  SelfCheckResult n = run_device_self_check(reference, noise);
  std::printf("%s\n", n.summary().c_str());
  CHECK(n.passed);
  SelfCheckTolerance strict;
  strict.op_rel_l2 = 1e-4;
  SelfCheckResult ns = run_device_self_check(reference, noise, strict);
  CHECK(!ns.passed && ns.failed_at == "op group_norm");

  SiluOff silu_off;
  SelfCheckResult s = run_device_self_check(reference, silu_off);
  std::printf("%s\n", s.summary().c_str());
  CHECK(!s.passed && s.failed_at.rfind("UNet tensor ", 0) == 0);
  CHECK(s.ops_checked == ok.ops_checked && s.tensors_checked < ok.tensors_checked);
  check_selection();
  return test::finish("test_device_self_check");
}
