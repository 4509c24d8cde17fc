#pragma once
// Error types shared by every module. InputError is a user mistake (bad file, bad value,
// unknown policy): the CLI prints its message and exits 2. Anything else is a bug (exit 3).
#include <stdexcept>
#include <string>

namespace fleetsim {

/// @brief Bad user input. The message is complete and located ("file:line: column x: ...",
/// "scenario.json: /cluster/nodes/2/gpus: ...") and is printed as is.
class InputError : public std::runtime_error {
public:
  explicit InputError(const std::string& msg) : std::runtime_error(msg) {}
};

} // namespace fleetsim
