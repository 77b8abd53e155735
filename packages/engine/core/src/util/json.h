// A small JSON reader for checkpoint configs, manifests and safetensors headers.
// Beyond strict JSON it accepts the non-finite literals Python's json module writes
// (NaN, Infinity, -Infinity), because diffusers' scheduler configs contain `-Infinity`.
// Errors: parse() throws gpuq::Error(BadFormat) with the byte offset; typed accessors throw
// Error(BadFormat) on a type mismatch and Error(NotFound) on a missing key.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gpuq::json {

class Value {
 public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Value() = default;
  static Value make_null() { return Value(); }
  static Value make_bool(bool b);
  static Value make_number(double d);
  static Value make_string(std::string s);
  static Value make_array(std::vector<Value> items);
  static Value make_object(std::map<std::string, Value> members);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_number() const { return kind_ == Kind::Number; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_object() const { return kind_ == Kind::Object; }
  bool is_bool() const { return kind_ == Kind::Bool; }

  bool as_bool() const;
  double as_number() const;
  int64_t as_int() const;
  const std::string& as_string() const;
  const std::vector<Value>& as_array() const;
  const std::map<std::string, Value>& as_object() const;

  // Object access. `at` throws NotFound; `find` returns nullptr.
  bool has(const std::string& key) const;
  const Value& at(const std::string& key) const;
  const Value* find(const std::string& key) const;
  // Typed lookups with a default when the key is absent or null (configs often write null).
  double number_or(const std::string& key, double fallback) const;
  int64_t int_or(const std::string& key, int64_t fallback) const;
  bool bool_or(const std::string& key, bool fallback) const;
  std::string string_or(const std::string& key, const std::string& fallback) const;

  // Array helpers: an int list, or a scalar broadcast to `n` entries (UNet configs allow both).
  std::vector<int64_t> int_list() const;
  std::vector<int64_t> int_list_or_scalar(size_t n) const;
  std::vector<std::string> string_list() const;

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0;
  std::shared_ptr<std::string> string_;
  std::shared_ptr<std::vector<Value>> array_;
  std::shared_ptr<std::map<std::string, Value>> object_;
};

// Parses one JSON document (trailing whitespace allowed, anything else is an error).
Value parse(const std::string& text);
Value parse_file(const std::string& path);

// Serialises with full double precision; non-finite numbers as Python writes them.
std::string dump(const Value& value);

}  // namespace gpuq::json
