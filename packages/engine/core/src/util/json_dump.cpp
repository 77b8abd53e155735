// JSON serialisation (json::dump): full double precision, non-finite numbers as Python writes
// them, so configs and safetensors headers we write read back exactly.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "util/json.h"

namespace gpuq::json {

namespace {

void dump_to(const Value& v, std::ostringstream& out) {
  switch (v.kind()) {
    case Value::Kind::Null: out << "null"; break;
    case Value::Kind::Bool: out << (v.as_bool() ? "true" : "false"); break;
    case Value::Kind::Number: {
      double d = v.as_number();
      if (std::isnan(d)) out << "NaN";
      else if (std::isinf(d)) out << (d < 0 ? "-Infinity" : "Infinity");
      else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out << buf;
      }
      break;
    }
    case Value::Kind::String: {
      out << '"';
      for (char c : v.as_string()) {
        if (c == '"' || c == '\\') out << '\\' << c;
        else if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out << buf;
        } else out << c;
      }
      out << '"';
      break;
    }
    case Value::Kind::Array: {
      out << '[';
      bool first = true;
      for (const auto& item : v.as_array()) {
        if (!first) out << ',';
        first = false;
        dump_to(item, out);
      }
      out << ']';
      break;
    }
    case Value::Kind::Object: {
      out << '{';
      bool first = true;
      for (const auto& [key, item] : v.as_object()) {
        if (!first) out << ',';
        first = false;
        dump_to(Value::make_string(key), out);
        out << ':';
        dump_to(item, out);
      }
      out << '}';
      break;
    }
  }
}

}  // namespace

std::string dump(const Value& value) {
  std::ostringstream out;
  dump_to(value, out);
  return out.str();
}

}  // namespace gpuq::json
