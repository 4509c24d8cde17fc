#pragma once
// A small CSV reader with exact line numbers: comma-separated, optional double quotes
// ("" escapes a quote), CRLF or LF line ends, a last line without newline.
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::csv {

class Reader {
public:
  /// @brief Opens `file`; throws InputError "<file>: cannot open file" when it cannot.
  explicit Reader(const std::filesystem::path& file);
  /// @brief Reads the next non-empty record into `fields`; false at end of file.
  /// Throws InputError "<file>:<line>: unterminated quoted field".
  bool next(std::vector<std::string>& fields);
  /// @brief Line number (1-based) where the last record returned started.
  std::int64_t line() const { return record_line_; }
  const std::string& label() const { return label_; }

private:
  std::ifstream in_;
  std::string label_;
  std::int64_t line_ = 0, record_line_ = 0;
  std::string buf_;
};

/// @brief Parses a whole base-10 integer (optional sign, no spaces); nullopt otherwise.
std::optional<std::int64_t> parse_int(std::string_view s);
/// @brief Parses a finite decimal number (integer, fraction or exponent); nullopt otherwise.
std::optional<double> parse_double(std::string_view s);
/// @brief Smallest edit distance match among `options` within distance 2, or "".
std::string closest(std::string_view word, const std::vector<std::string>& options);

} // namespace fleetsim::csv
