#include "util/json.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "util/error.h"

namespace gpuq::json {
namespace {

[[noreturn]] void fail(size_t pos, const std::string& what) {
  throw Error(ErrorCode::BadFormat, "JSON parse error at byte " + std::to_string(pos) + ": " + what);
}

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  Value document() {
    Value v = value();
    skip_ws();
    if (pos_ != s_.size()) fail(pos_, "unexpected trailing characters");
    return v;
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;
  int depth_ = 0;

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t'))
      ++pos_;
  }
  bool consume(const char* word) {
    size_t n = std::strlen(word);
    if (s_.compare(pos_, n, word) == 0) {
      pos_ += n;
      return true;
    }
    return false;
  }

  Value value() {
    skip_ws();
    if (pos_ >= s_.size()) fail(pos_, "unexpected end of input");
    // Depth cap: a hostile manifest must not overflow the stack.
    if (depth_ > 256) fail(pos_, "nesting too deep");
    char c = s_[pos_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return Value::make_string(string());
    if (consume("true")) return Value::make_bool(true);
    if (consume("false")) return Value::make_bool(false);
    if (consume("null")) return Value::make_null();
    if (consume("NaN")) return Value::make_number(std::numeric_limits<double>::quiet_NaN());
    if (consume("Infinity")) return Value::make_number(std::numeric_limits<double>::infinity());
    if (consume("-Infinity")) return Value::make_number(-std::numeric_limits<double>::infinity());
    return Value::make_number(number());
  }

  double number() {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    if (digits() == 0) fail(start, "invalid value");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) fail(pos_, "digit expected after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) fail(pos_, "digit expected in exponent");
    }
    // strtod on a bounded copy: correctly rounded, and independent of the text after the number.
    std::string token = s_.substr(start, pos_ - start);
    return std::strtod(token.c_str(), nullptr);
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail(pos_, "truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail(pos_ - 1, "bad hex digit");
    }
    return v;
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail(pos_, "unterminated string");
      char c = s_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) fail(pos_, "unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          // Surrogate pairs: vocab.json escapes non-BMP characters this way.
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(pos_, 2, "\\u") == 0) {
            pos_ += 2;
            uint32_t lo = hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail(pos_ - 1, "bad escape");
      }
    }
    return out;
  }

  Value array() {
    ++pos_;
    ++depth_;
    std::vector<Value> items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      --depth_;
      return Value::make_array(std::move(items));
    }
    while (true) {
      items.push_back(value());
      skip_ws();
      if (pos_ >= s_.size()) fail(pos_, "unterminated array");
      char c = s_[pos_++];
      if (c == ']') break;
      if (c != ',') fail(pos_ - 1, "',' or ']' expected");
    }
    --depth_;
    return Value::make_array(std::move(items));
  }

  Value object() {
    ++pos_;
    ++depth_;
    std::map<std::string, Value> members;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      --depth_;
      return Value::make_object(std::move(members));
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') fail(pos_, "object key expected");
      std::string key = string();
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_++] != ':') fail(pos_, "':' expected");
      members[key] = value();
      skip_ws();
      if (pos_ >= s_.size()) fail(pos_, "unterminated object");
      char c = s_[pos_++];
      if (c == '}') break;
      if (c != ',') fail(pos_ - 1, "',' or '}' expected");
    }
    --depth_;
    return Value::make_object(std::move(members));
  }
};

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::Number: return "number";
    case Value::Kind::String: return "string";
    case Value::Kind::Array: return "array";
    case Value::Kind::Object: return "object";
  }
  return "?";
}

[[noreturn]] void type_error(const char* want, Value::Kind got) {
  throw Error(ErrorCode::BadFormat, std::string("JSON: expected ") + want + ", got " + kind_name(got));
}

}  // namespace

Value Value::make_bool(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.bool_ = b;
  return v;
}
Value Value::make_number(double d) {
  Value v;
  v.kind_ = Kind::Number;
  v.number_ = d;
  return v;
}
Value Value::make_string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.string_ = std::make_shared<std::string>(std::move(s));
  return v;
}
Value Value::make_array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::Array;
  v.array_ = std::make_shared<std::vector<Value>>(std::move(items));
  return v;
}
Value Value::make_object(std::map<std::string, Value> members) {
  Value v;
  v.kind_ = Kind::Object;
  v.object_ = std::make_shared<std::map<std::string, Value>>(std::move(members));
  return v;
}

bool Value::as_bool() const {
  if (kind_ != Kind::Bool) type_error("bool", kind_);
  return bool_;
}
double Value::as_number() const {
  if (kind_ != Kind::Number) type_error("number", kind_);
  return number_;
}
int64_t Value::as_int() const {
  double d = as_number();
  if (d != std::floor(d)) throw Error(ErrorCode::BadFormat, "JSON: expected an integer, got " + std::to_string(d));
  return static_cast<int64_t>(d);
}
const std::string& Value::as_string() const {
  if (kind_ != Kind::String) type_error("string", kind_);
  return *string_;
}
const std::vector<Value>& Value::as_array() const {
  if (kind_ != Kind::Array) type_error("array", kind_);
  return *array_;
}
const std::map<std::string, Value>& Value::as_object() const {
  if (kind_ != Kind::Object) type_error("object", kind_);
  return *object_;
}

bool Value::has(const std::string& key) const { return find(key) != nullptr; }
const Value* Value::find(const std::string& key) const {
  if (kind_ != Kind::Object) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &it->second;
}
const Value& Value::at(const std::string& key) const {
  const Value* v = find(key);
  if (!v) throw Error(ErrorCode::NotFound, "JSON: missing key \"" + key + "\"");
  return *v;
}
double Value::number_or(const std::string& key, double fallback) const {
  const Value* v = find(key);
  return (v && !v->is_null()) ? v->as_number() : fallback;
}
int64_t Value::int_or(const std::string& key, int64_t fallback) const {
  const Value* v = find(key);
  return (v && !v->is_null()) ? v->as_int() : fallback;
}
bool Value::bool_or(const std::string& key, bool fallback) const {
  const Value* v = find(key);
  return (v && !v->is_null()) ? v->as_bool() : fallback;
}
std::string Value::string_or(const std::string& key, const std::string& fallback) const {
  const Value* v = find(key);
  return (v && !v->is_null()) ? v->as_string() : fallback;
}

std::vector<int64_t> Value::int_list() const {
  std::vector<int64_t> out;
  for (const auto& item : as_array()) out.push_back(item.as_int());
  return out;
}
std::vector<int64_t> Value::int_list_or_scalar(size_t n) const {
  if (is_number()) return std::vector<int64_t>(n, as_int());
  auto out = int_list();
  if (out.size() != n)
    throw Error(ErrorCode::BadFormat,
                "JSON: expected " + std::to_string(n) + " entries, got " + std::to_string(out.size()));
  return out;
}
std::vector<std::string> Value::string_list() const {
  std::vector<std::string> out;
  for (const auto& item : as_array()) out.push_back(item.as_string());
  return out;
}

Value parse(const std::string& text) { return Parser(text).document(); }

Value parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, "cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse(ss.str());
  } catch (const Error& e) {
    throw Error(e.code(), path + ": " + e.what());
  }
}

}  // namespace gpuq::json
