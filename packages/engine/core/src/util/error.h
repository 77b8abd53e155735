// Error type shared by every layer of the engine. The `code` strings are part of the public
// contract: the N-API binding copies them onto the JS Error as `err.code`, and the TS wrapper
// exports the same list (src/error-codes.ts), so workers can branch on them.
#pragma once

#include <stdexcept>
#include <string>

namespace gpuq {

enum class ErrorCode {
  InvalidArgument,  // a caller passed a bad shape, value or option
  NotFound,         // a file, tensor or config key is missing
  BadFormat,        // a file exists but cannot be parsed (JSON, safetensors, vocab)
  Unsupported,      // a config asks for something this engine does not implement
  Cancelled,        // the caller's cancel flag was seen between steps
  OutOfMemory,      // an allocation failed (on CUDA: the message says how much was asked and how much is free)
  DeviceLost,       // a sticky GPU error (illegal address, ECC, launch failure): the context is unusable,
                    // so the worker hands the job back and exits; another process retries it
  Internal,         // a bug: an invariant did not hold
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
