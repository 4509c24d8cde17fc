#include "sim/io/input.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <sys/stat.h>

#include "sim/common/error.hpp"

namespace fleetsim::input {

namespace fs = std::filesystem;

namespace {

std::string hex_byte(unsigned char c) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02x", c);
  return b;
}

std::string mib(std::uintmax_t bytes) {
  if (bytes >= (std::uintmax_t{1} << 30) && bytes % (std::uintmax_t{1} << 30) == 0)
    return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (std::uintmax_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

/// What a non-regular file is, for "is a <kind>, expected a regular file".
const char* kind_of(mode_t m) {
  if (S_ISCHR(m)) return "character device";
  if (S_ISBLK(m)) return "block device";
  if (S_ISFIFO(m)) return "FIFO (named pipe)";
  if (S_ISSOCK(m)) return "socket";
  return "special file";
}

/// Checks depth, NUL, UTF-8 and number range in one pass; throws located InputError.
void prescan(std::string_view t, const std::string& label, std::int64_t first_line) {
  auto fail = [&](std::size_t at, const std::string& what) {
    throw InputError(label + ":" + line_col(t, at, first_line) + ": " + what);
  };
  if (auto bad = find_bad_text(t)) fail(bad->first, bad->second);
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        fail(i, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels of arrays and objects");
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t j = i;
      while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '-' || t[j] == '+' ||
                              t[j] == '.' || t[j] == 'e' || t[j] == 'E'))
        ++j;
      const std::string tok(t.substr(i, std::min<std::size_t>(j - i, 4096)));
      if (j - i < 4096) {
        errno = 0;
        const double v = std::strtod(tok.c_str(), nullptr);
        if (!std::isfinite(v) || (errno == ERANGE && std::fabs(v) > 1))
          fail(i, "number " + tok.substr(0, 40) + (tok.size() > 40 ? "..." : "") +
                      " is out of range (expected a finite number of magnitude below 1.8e308)");
      } else {
        fail(i, "number longer than 4096 characters");
      }
      i = j - 1;
    }
  }
}

/// The useful part of nlohmann's parse message: "unexpected '}'; expected string literal".
std::string parse_reason(const std::string& what) {
  std::string s = what;
  if (auto p = s.find("column "); p != std::string::npos)
    if (auto c = s.find(": ", p); c != std::string::npos) s = s.substr(c + 2);
  if (s.starts_with("syntax error while parsing "))
    if (auto d = s.find(" - "); d != std::string::npos) s = s.substr(d + 3);
  return s;
}

template <class Json>
Json parse_any(std::string_view text, const std::string& label, std::int64_t first_line) {
  prescan(text, label, first_line);
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t at = e.byte == 0 ? 0 : e.byte - 1;
    throw InputError(label + ":" + line_col(text, std::min(at, text.size()), first_line) +
                     ": malformed JSON: " + parse_reason(e.what()));
  } catch (const nlohmann::json::exception& e) {  // prescan makes these unreachable; located anyway
    throw InputError(label + ": malformed JSON: " + parse_reason(e.what()));
  }
}

} // namespace

std::string shown(const fs::path& file) {
  const std::string s = file.string();
  if (s.size() <= 120) return s;
  std::size_t n = 60;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

std::optional<std::string> why_unreadable(const fs::path& file, std::uintmax_t max_bytes) {
  const std::string s = file.string();
  if (s.empty()) return "cannot open file (empty path)";
  if (s.size() > kMaxPathBytes)
    return "file name too long (" + std::to_string(s.size()) + " bytes; at most " + std::to_string(kMaxPathBytes) + ")";
  for (const auto& part : file)
    if (part.string().size() > kMaxNameBytes)
      return "file name too long (a path component of " + std::to_string(part.string().size()) + " bytes; at most " +
             std::to_string(kMaxNameBytes) + ")";
  if (s.find('\0') != std::string::npos) return "cannot open file (NUL byte in the path)";
  struct stat st {};
  if (::stat(s.c_str(), &st) != 0) return "cannot open file";
  if (S_ISDIR(st.st_mode)) return "is a directory, expected a file";
  if (!S_ISREG(st.st_mode)) return std::string("is a ") + kind_of(st.st_mode) + ", expected a regular file";
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
    return "file too large (" + std::to_string(st.st_size) + " bytes; at most " + mib(max_bytes) + ")";
  return std::nullopt;
}

void check_input_file(const fs::path& file, std::uintmax_t max_bytes) {
  if (auto why = why_unreadable(file, max_bytes)) throw InputError(shown(file) + ": " + *why);
}

std::string read_text_file(const fs::path& file, std::uintmax_t max_bytes) {
  check_input_file(file, max_bytes);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(shown(file) + ": cannot open file");
  std::string text;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)  // grew while we read it
      throw InputError(shown(file) + ": file too large (at most " + mib(max_bytes) + ")");
  }
  if (auto bad = find_bad_text(text)) throw InputError(shown(file) + ":" + line_col(text, bad->first) + ": " + bad->second);
  return text;
}

std::optional<std::pair<std::size_t, std::string>> find_bad_text(std::string_view t) {
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c == 0) return std::make_pair(i, std::string("NUL byte; expected text"));
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok) ok = !(len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    if (!ok) return std::make_pair(i, "invalid UTF-8 (byte " + hex_byte(c) + "); expected UTF-8 text");
    i += len;
  }
  return std::nullopt;
}

std::string line_col(std::string_view text, std::size_t offset, std::int64_t first_line) {
  offset = std::min(offset, text.size());
  std::int64_t line = first_line;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return std::to_string(line) + ":" + std::to_string(offset - line_start + 1);
}

nlohmann::ordered_json parse_json(std::string_view text, const std::string& label, std::int64_t first_line) {
  return parse_any<nlohmann::ordered_json>(text, label, first_line);
}

nlohmann::json parse_json_unordered(std::string_view text, const std::string& label, std::int64_t first_line) {
  return parse_any<nlohmann::json>(text, label, first_line);
}

nlohmann::ordered_json read_json_file(const fs::path& file) {
  return parse_json(read_text_file(file, kMaxJsonBytes), shown(file));
}

} // namespace fleetsim::input
