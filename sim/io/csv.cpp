#include "sim/io/csv.hpp"

#include <algorithm>
#include <cmath>

#include "sim/common/error.hpp"
#include "sim/io/input.hpp"

namespace fleetsim::csv {

LineReader::LineReader(const std::filesystem::path& file) : label_(input::shown(file)) {
  input::check_input_file(file, input::kMaxTraceBytes);
  in_.open(file, std::ios::binary);
  if (!in_) throw InputError(label_ + ": cannot open file");
}

bool LineReader::next(std::string& line) {
  line.clear();
  for (;;) {
    const std::size_t nl = buf_.find('\n', pos_);
    const std::size_t end = nl == std::string::npos ? buf_.size() : nl;
    if (end - pos_ > input::kMaxLineBytes)
      throw InputError(label_ + ":" + std::to_string(line_ + 1) + ": line longer than " +
                       std::to_string(input::kMaxLineBytes) + " bytes");
    if (nl != std::string::npos || (eof_ && pos_ < buf_.size())) {
      line.assign(buf_, pos_, end - pos_);
      pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
      ++line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (auto bad = input::find_bad_text(line))
        throw InputError(label_ + ":" + std::to_string(line_) + ":" + std::to_string(bad->first + 1) + ": " + bad->second);
      return true;
    }
    if (eof_) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    char chunk[1 << 16];
    in_.read(chunk, sizeof chunk);
    const auto n = static_cast<std::size_t>(in_.gcount());
    if (n == 0) eof_ = true;
    buf_.append(chunk, n);
  }
}

Reader::Reader(const std::filesystem::path& file) : lines_(file) {}

bool Reader::next_views(std::vector<std::string_view>& fields) {
  fields.clear();
  for (;;) {
    if (!lines_.next(line_)) return false;
    if (line_.empty()) continue;
    record_line_ = lines_.line();
    if (line_.find('"') != std::string::npos) {
      // Quoted fields (maybe spanning lines): the general reader, from this line on.
      pending_ = true;
      if (!next(owned_)) return false;
      for (const auto& f : owned_) fields.emplace_back(f);
      return true;
    }
    const std::string_view l = line_;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = l.find(',', start);
      if (comma == std::string_view::npos) {
        fields.push_back(l.substr(start));
        return true;
      }
      fields.push_back(l.substr(start, comma - start));
      start = comma + 1;
    }
  }
}

bool Reader::next(std::vector<std::string>& fields) {
  for (;;) {
    fields.clear();
    if (pending_) {  // next_views handed over a line it had read
      pending_ = false;
      buf_.swap(line_);
    } else if (!lines_.next(buf_)) {
      return false;
    }
    record_line_ = lines_.line();
    if (buf_.empty()) continue;
    std::string cur;
    bool quoted = false, closed = false;  // closed: the current field was quoted and its quote closed
    std::size_t i = 0;
    for (;;) {
      if (i == buf_.size()) {
        if (!quoted) break;
        // A quoted field spans lines.
        cur.push_back('\n');
        if (cur.size() > input::kMaxLineBytes)
          throw InputError(label() + ":" + std::to_string(record_line_) + ": quoted field longer than " +
                           std::to_string(input::kMaxLineBytes) + " bytes");
        if (!lines_.next(buf_)) throw InputError(label() + ":" + std::to_string(record_line_) + ": unterminated quoted field");
        i = 0;
        continue;
      }
      const char c = buf_[i++];
      if (quoted) {
        if (c == '"') {
          if (i < buf_.size() && buf_[i] == '"') { cur.push_back('"'); ++i; }
          else quoted = false, closed = true;
        } else {
          cur.push_back(c);
        }
      } else if (c == ',') {
        fields.push_back(std::move(cur));
        cur.clear();
        closed = false;
      } else if (closed) {
        throw InputError(label() + ":" + std::to_string(lines_.line()) + ":" + std::to_string(i) +
                         ": unexpected text after a closing quote; expected a comma or the end of the line");
      } else if (c == '"' && cur.empty()) {
        quoted = true;
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
  if (word.size() > 64) return best;  // no suggestion for a hostile word (the distance is quadratic)
  std::size_t best_d = 3;
  for (const auto& o : options) {
    const auto d = edit_distance(word, o);
    if (d < best_d) { best_d = d; best = o; }
  }
  return best;
}

} // namespace fleetsim::csv
