// Error type shared by every layer of the engine. The `code` strings are part of the public
// contract: the N-API binding copies them onto the JS Error as `err.code`, and the TS wrapper and
// the worker runtime read the same list (@gpuq/engine-errors), so workers can branch on them.
#pragma once

#include <stdexcept>
#include <string>

namespace gpuq {

// The codes and what each means are listed once, in packages/engine-errors (error_codes.inc is
// generated from that list); add a code there, not here.
enum class ErrorCode {
#define GPUQ_ERROR_CODE(enumerator, name) enumerator,
#include "util/error_codes.inc"
#undef GPUQ_ERROR_CODE
};

// The stable string form, e.g. "GPUQ_INVALID_ARGUMENT".
const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }
  const char* code_name() const { return error_code_name(code_); }

 private:
  ErrorCode code_;
};

// Throws Error(code, message) when `cond` is false. Keeps call sites to one line.
inline void check(bool cond, ErrorCode code, const std::string& message) {
  if (!cond) throw Error(code, message);
}

}  // namespace gpuq
