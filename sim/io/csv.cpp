#include "sim/io/csv.hpp"

#include <algorithm>
#include <cmath>

#include "sim/common/error.hpp"

namespace fleetsim::csv {

Reader::Reader(const std::filesystem::path& file) : in_(file, std::ios::binary), label_(file.string()) {
  if (!in_) throw InputError(label_ + ": cannot open file");
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw InputError(label_ + ": is a directory, expected a file");
}

bool Reader::next(std::vector<std::string>& fields) {
  for (;;) {
    fields.clear();
    if (!std::getline(in_, buf_)) return false;
    ++line_;
    record_line_ = line_;
    if (!buf_.empty() && buf_.back() == '\r') buf_.pop_back();
    if (buf_.empty()) continue;
    std::string cur;
    bool quoted = false;
    std::size_t i = 0;
    for (;;) {
      if (i == buf_.size()) {
        if (!quoted) break;
        // A quoted field spans lines.
        cur.push_back('\n');
        if (!std::getline(in_, buf_)) throw InputError(label_ + ":" + std::to_string(record_line_) + ": unterminated quoted field");
        ++line_;
        if (!buf_.empty() && buf_.back() == '\r') buf_.pop_back();
        i = 0;
        continue;
      }
      const char c = buf_[i++];
      if (quoted) {
        if (c == '"') {
          if (i < buf_.size() && buf_[i] == '"') { cur.push_back('"'); ++i; }
          else quoted = false;
        } else {
          cur.push_back(c);
        }
      } else if (c == '"' && cur.empty()) {
        quoted = true;
      } else if (c == ',') {
        fields.push_back(std::move(cur));
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    fields.push_back(std::move(cur));
    return true;
  }
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) {
    // Accept integral values written as decimals ("4.0"), as some exporters do.
    auto d = parse_double(s);
    if (d && *d == std::trunc(*d) && std::fabs(*d) < 9.0e15) return static_cast<std::int64_t>(*d);
    return std::nullopt;
  }
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

static std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& options) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& o : options) {
    const auto d = edit_distance(word, o);
    if (d < best_d) { best_d = d; best = o; }
  }
  return best;
}

} // namespace fleetsim::csv
