// JSON reader, fp16/bf16 conversion, safetensors round trip, thread pool: no fixtures needed.
#include <unistd.h>

#include <cmath>
#include <limits>

#include "backend/backend.h"
#include "io/safetensors.h"
#include "tensor/dtype.h"
#include "test_util.h"
#include "util/json.h"
#include "util/thread_pool.h"

using namespace gpuq;

static void json_tests() {
  json::Value v = json::parse(R"({"a": [1, 2.5e3, -Infinity, NaN, Infinity], "s": "x\"\\\u00e9\ud83d\ude00",
                                 "n": null, "b": true, "o": {"k": -0.125}})");
  auto a = v.at("a").as_array();
  CHECK(a.size() == 5 && a[0].as_int() == 1 && a[1].as_number() == 2500.0);
  CHECK(std::isinf(a[2].as_number()) && a[2].as_number() < 0);
  CHECK(std::isnan(a[3].as_number()) && std::isinf(a[4].as_number()));
  CHECK(v.at("s").as_string() == "x\"\\\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(v.at("n").is_null() && v.at("b").as_bool() && v.at("o").at("k").as_number() == -0.125);
  CHECK(v.number_or("n", 7) == 7 && v.int_or("missing", 3) == 3);
  // A round trip keeps non-finite numbers as Python writes them.
  CHECK(json::dump(json::parse("[-Infinity]")) == "[-Infinity]");
  for (const char* bad : {"{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "[01x]"}) {
    bool threw = false;
    try {
      json::parse(bad);
    } catch (const Error& e) {
      threw = e.code() == ErrorCode::BadFormat;
    }
    CHECK(threw);
  }
  bool missing = false;
  try {
    v.at("zzz");
  } catch (const Error& e) {
    missing = e.code() == ErrorCode::NotFound;
  }
  CHECK(missing);
  CHECK(json::parse("[1,2]").int_list_or_scalar(2) == (std::vector<int64_t>{1, 2}));
  CHECK(json::parse("3").int_list_or_scalar(2) == (std::vector<int64_t>{3, 3}));
}

static void dtype_tests() {
  CHECK(half_to_float(0x3C00) == 1.0f && half_to_float(0xC000) == -2.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
  CHECK(std::isinf(half_to_float(0x7C00)) && std::isnan(half_to_float(0x7E00)));
  CHECK(float_to_half(1.0f) == 0x3C00 && float_to_half(65504.0f) == 0x7BFF);
  CHECK(float_to_half(70000.0f) == 0x7C00 && float_to_half(std::ldexp(1.0f, -24)) == 0x0001);
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);  // tie rounds to even
  CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);
  // Every finite half survives half -> float -> half.
  int bad = 0;
  for (uint32_t h = 0; h < 0x10000; ++h)
    if ((h & 0x7C00) != 0x7C00 && float_to_half(half_to_float(static_cast<uint16_t>(h))) != h) ++bad;
  CHECK(bad == 0);
  CHECK(bf16_to_float(float_to_bf16(3.0f)) == 3.0f && float_to_bf16(1.00390625f) == 0x3F80);
}

static void safetensors_tests() {
  char tmpl[] = "/tmp/gpuq-st-XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  std::map<std::string, Tensor> in;
  in["w"] = Tensor::from_vector({2, 3}, {1, -2, 3.5f, 0, 1e-3f, 7});
  in["h"] = in["w"].to_dtype(DType::F16);
  in["ids"] = Tensor::from_vector({3}, {1, 2, 49407}).to_dtype(DType::I64);
  in["s"] = Tensor::from_vector({}, {637.0f});
  write_safetensors(tmpl, in);
  SafeTensorsFile f = SafeTensorsFile::open(tmpl);
  CHECK(f.names().size() == 4 && f.metadata().at("format") == "pt");
  CHECK(f.get("w").to_vector() == in["w"].to_vector());
  CHECK(f.get("h").dtype() == DType::F16 && f.get("h").to_f32().to_vector()[2] == 3.5f);
  CHECK(f.get("ids").i64()[2] == 49407 && f.get("s").shape().empty() && f.get("s").item() == 637.0f);
  bool nf = false;
  try {
    f.get("nope");
  } catch (const Error& e) {
    nf = e.code() == ErrorCode::NotFound;
  }
  CHECK(nf);
  unlink(tmpl);
}

static void pool_tests() {
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    for (int64_t n : {0, 1, 5, 1000}) {
      std::vector<int> hits(static_cast<size_t>(n), 0);
      pool.parallel_for(n, [&](int64_t a, int64_t b) {
        for (int64_t i = a; i < b; ++i) ++hits[i];
      });
      bool once = true;
      for (int h : hits) once = once && h == 1;
      CHECK(once);
    }
  }
}

// "auto" must not pick a backend that has never run on a device, even on a GPU host.
static void device_selection_tests() {
  CHECK(make_backend("auto", 1)->name() == make_backend("cpu", 1)->name());
  CHECK(make_backend("", 1)->name() == make_backend("cpu", 1)->name());
  bool threw = false;
  try {
    make_backend("tpu", 1);
  } catch (const Error& e) {
    threw = e.code() == ErrorCode::InvalidArgument;
  }
  CHECK(threw);
}

int main() {
  device_selection_tests();
  json_tests();
  dtype_tests();
  safetensors_tests();
  pool_tests();
  return test::finish("test_core_basics");
}
