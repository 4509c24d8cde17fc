#pragma once
// A small CSV reader with exact line numbers: comma-separated, optional double quotes
// ("" escapes a quote), CRLF or LF line ends, a last line without newline. The file is checked
// first (sim/io/input.hpp: a regular file of at most input::kMaxTraceBytes), read as a stream
// of lines of at most input::kMaxLineBytes, each checked to be UTF-8 without NUL bytes.
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::csv {

/// @brief Lines of a checked text file, one at a time (LF or CRLF ends; the last may lack one).
/// Throws InputError "<file>:<line>:<column>: ..." for a line that is too long or not UTF-8.
class LineReader {
public:
  explicit LineReader(const std::filesystem::path& file);
  /// @brief The next line without its end; false at end of file.
  bool next(std::string& line);
  std::int64_t line() const { return line_; }
  const std::string& label() const { return label_; }

private:
  std::ifstream in_;
  std::string label_;
  std::int64_t line_ = 0;
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

class Reader {
public:
  /// @brief Opens `file`; throws InputError "<file>: cannot open file" (or why it is not a
  /// readable regular file) when it cannot.
  explicit Reader(const std::filesystem::path& file);
  /// @brief Reads the next non-empty record into `fields`; false at end of file.
  /// Throws InputError "<file>:<line>: unterminated quoted field", and
  /// "<file>:<line>:<column>: ..." for text after a closing quote.
  bool next(std::vector<std::string>& fields);
  /// @brief As next(), but the fields are views valid until the next call: a line without
  /// quotes is split in place, without copying (the fast path of large traces); a line with
  /// quotes is read by next() into storage the views point to.
  bool next_views(std::vector<std::string_view>& fields);
  /// @brief Line number (1-based) where the last record returned started.
  std::int64_t line() const { return record_line_; }
  const std::string& label() const { return lines_.label(); }

private:
  LineReader lines_;
  std::int64_t record_line_ = 0;
  std::string buf_;
  std::string line_;                 // next_views: the current line
  std::vector<std::string> owned_;   // next_views: fields of a quoted line
  bool pending_ = false;             // next_views: line_ is read but not yet returned
};

/// @brief Parses a whole base-10 integer (optional sign, no spaces); nullopt otherwise.
std::optional<std::int64_t> parse_int(std::string_view s);
/// @brief Parses a finite decimal number (integer, fraction or exponent); nullopt otherwise.
std::optional<double> parse_double(std::string_view s);
/// @brief Smallest edit distance match among `options` within distance 2, or "".
std::string closest(std::string_view word, const std::vector<std::string>& options);

} // namespace fleetsim::csv
