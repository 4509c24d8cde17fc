// The one checked input path (sim/io/input.hpp, issue 17): file checks, UTF-8, JSON depth and
// number range, located parse errors, the CSV line reader's limits.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"

using namespace fleetsim;
namespace fs = std::filesystem;

namespace {

std::string json_error(std::string_view text) {
  try {
    (void)input::parse_json(text, "f.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("fleetsim-input-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string read_error(const fs::path& p) {
  try {
    (void)input::read_text_file(p);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("JSON nesting: 64 levels parse, 65 are a located error") {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  CHECK(json_error(ok).empty());
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  CHECK(json_error(deep) == "f.json:1:65: nesting deeper than 64 levels of arrays and objects");
  // brackets inside strings do not count
  CHECK(json_error("[\"" + std::string(100, '[') + "\"]").empty());
  CHECK(json_error(std::string(100000, '{')) == "f.json:1:65: nesting deeper than 64 levels of arrays and objects");
}

TEST_CASE("JSON numbers out of the double range are located errors; 1e308 and 1e-999 are fine") {
  CHECK(json_error("{\n  \"seed\": 1e999}") ==
        "f.json:2:11: number 1e999 is out of range (expected a finite number of magnitude below 1.8e308)");
  CHECK(json_error("[-1E+400]") ==
        "f.json:1:2: number -1E+400 is out of range (expected a finite number of magnitude below 1.8e308)");
  CHECK(json_error("[1e308, 1e-999, 18446744073709551616]").empty());
  CHECK(json_error("[\"1e999\"]").empty());  // a string, not a number
  CHECK(json_error("[" + std::string(5000, '9') + "]") == "f.json:1:2: number longer than 4096 characters");
}

TEST_CASE("JSON: trailing garbage, NUL, malformed text are located") {
  CHECK(json_error("{} x") == "f.json:1:4: malformed JSON: invalid literal; last read: '{} x'; expected end of input");
  CHECK(json_error(std::string("{}\0junk", 7)) == "f.json:1:3: NUL byte; expected text");
  CHECK(json_error("{\n\"a\": }") == "f.json:2:6: malformed JSON: unexpected '}'; expected '[', '{', or a literal");
  CHECK(json_error("") == "f.json:1:1: malformed JSON: unexpected end of input; expected '[', '{', or a literal");
  CHECK(input::parse_json("  {\"a\": [1, 2.5, \"x\"]}  \n", "f").dump() == R"({"a":[1,2.5,"x"]})");
}

TEST_CASE("UTF-8: valid text passes, each kind of invalid sequence is found at its byte") {
  CHECK_FALSE(input::find_bad_text("plain ascii, caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x98\x80"));
  struct Bad {
    std::string text;
    std::size_t at;
  };
  for (const Bad& b : {Bad{"ab\xff", 2}, Bad{"\xc0\xaf", 0}, Bad{"x\xe0\x80\x80", 1}, Bad{"\xed\xa0\x80", 0},
                       Bad{"\xf4\x90\x80\x80", 0}, Bad{"a\xe2\x82", 1}, Bad{"\x80", 0}, Bad{"ok\xc3(", 2}}) {
    CAPTURE(b.text);
    const auto bad = input::find_bad_text(b.text);
    REQUIRE(bad);
    CHECK(bad->first == b.at);
  }
  CHECK(input::find_bad_text(std::string("a\0b", 3))->second == "NUL byte; expected text");
  CHECK(json_error("{\"name\": \"caf\xe9\"}") == "f.json:1:14: invalid UTF-8 (byte 0xe9); expected UTF-8 text");
}

TEST_CASE("input files: directories, devices, FIFOs, long names, large files are rejected before reading") {
  const fs::path d = scratch("files");
  CHECK(read_error(d) == d.string() + ": is a directory, expected a file");
  CHECK(read_error("/dev/zero") == "/dev/zero: is a character device, expected a regular file");
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  CHECK(read_error(d / "fifo") == (d / "fifo").string() + ": is a FIFO (named pipe), expected a regular file");
  CHECK(read_error(d / "missing.json") == (d / "missing.json").string() + ": cannot open file");
  const std::string long_path(5000, 'a');
  CHECK(read_error(long_path) == std::string(60, 'a') + "...: file name too long (5000 bytes; at most 4095)");
  const fs::path long_name = d / std::string(300, 'n');
  CHECK(read_error(long_name) ==
        input::shown(long_name) + ": file name too long (a path component of 300 bytes; at most 255)");
  std::ofstream(d / "big.json").close();
  fs::resize_file(d / "big.json", (std::uintmax_t{64} << 20) + 1);
  CHECK(read_error(d / "big.json") == (d / "big.json").string() + ": file too large (67108865 bytes; at most 64 MiB)");
  std::ofstream(d / "ok.json") << "{\"a\": 1}";
  CHECK(read_error(d / "ok.json").empty());
  fs::remove_all(d);
}

TEST_CASE("CSV lines: at most 1 MiB each, UTF-8 checked per line, text after a closing quote is an error") {
  const fs::path d = scratch("csv");
  {
    std::ofstream out(d / "long.csv");
    out << "a,b\n" << std::string(input::kMaxLineBytes + 1, 'x') << "\n";
  }
  csv::Reader r(d / "long.csv");
  std::vector<std::string> row;
  REQUIRE(r.next(row));
  CHECK_THROWS_WITH_AS(r.next(row), ((d / "long.csv").string() + ":2: line longer than 1048576 bytes").c_str(), InputError);
  {
    std::ofstream out(d / "exact.csv");
    out << std::string(input::kMaxLineBytes, 'y');  // exactly the limit, no newline at the end
  }
  csv::Reader e(d / "exact.csv");
  REQUIRE(e.next(row));
  CHECK(row[0].size() == input::kMaxLineBytes);
  CHECK_FALSE(e.next(row));
  std::ofstream(d / "q.csv") << "a,b\n\"x\"y,1\n";
  csv::Reader q(d / "q.csv");
  REQUIRE(q.next(row));
  CHECK_THROWS_WITH_AS(q.next(row),
                       ((d / "q.csv").string() + ":2:4: unexpected text after a closing quote; expected a comma or "
                                                 "the end of the line").c_str(),
                       InputError);
  std::ofstream(d / "u.csv") << "a,b\n1,2\n3,\xff\n";
  csv::Reader u(d / "u.csv");
  REQUIRE(u.next(row));
  REQUIRE(u.next(row));
  CHECK_THROWS_WITH_AS(u.next(row), ((d / "u.csv").string() + ":3:3: invalid UTF-8 (byte 0xff); expected UTF-8 text").c_str(),
                       InputError);
  std::ofstream(d / "ok.csv") << "a,\"b,c\"\r\n\"multi\nline\",\"q\"\"\"\n";
  csv::Reader ok(d / "ok.csv");
  REQUIRE(ok.next(row));
  CHECK(row == std::vector<std::string>{"a", "b,c"});
  REQUIRE(ok.next(row));
  CHECK(row == std::vector<std::string>{"multi\nline", "q\""});
  CHECK(ok.line() == 2);
  CHECK_FALSE(ok.next(row));
  fs::remove_all(d);
}
