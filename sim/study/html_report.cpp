#include "sim/study/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "sim/io/csv.hpp"
#include "sim/study/metric_paths.hpp"

namespace fleetsim::report {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1",
                                    "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr int kPaletteSize = 10;
constexpr double kWidth = 880, kLeft = 64, kRight = 18, kTop = 14, kBottom = 42;

std::string color(int i) { return kPalette[((i % kPaletteSize) + kPaletteSize) % kPaletteSize]; }

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}
std::string c1(double v) { return fmt("%.1f", v); }  // an SVG coordinate

double nice_step(double range, int target) {
  if (!(range > 0)) return 1;
  const double raw = range / target, mag = std::pow(10, std::floor(std::log10(raw))), r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * mag;
}

std::string tick_text(double v, double step) {
  if (std::fabs(v) < step * 1e-9) v = 0;
  if (std::fabs(v) >= 1e6) return fmt("%gM", v / 1e6);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", std::min(decimals, 6), v);
  return b;
}

/// Seconds shown in a unit that suits the range.
struct TimeUnit {
  double seconds;
  const char* name;
};
TimeUnit time_unit(double max_s) {
  if (max_s > 3 * 86400) return {86400, "days"};
  if (max_s > 3 * 3600) return {3600, "hours"};
  if (max_s > 180) return {60, "minutes"};
  return {1, "seconds"};
}

/// A series with many points reduced to at most ~4 points per pixel column (first, min, max,
/// last), so spikes survive and the file stays small.
void reduce(const Series& s, double x0, double x1, int columns, std::vector<double>& xs, std::vector<double>& ys) {
  const std::size_t n = std::min(s.x.size(), s.y.size());
  if (n <= static_cast<std::size_t>(columns) * 4 || !(x1 > x0)) {
    xs.assign(s.x.begin(), s.x.begin() + static_cast<std::ptrdiff_t>(n));
    ys.assign(s.y.begin(), s.y.begin() + static_cast<std::ptrdiff_t>(n));
    return;
  }
  long cur = -1;
  double first_x = 0, first_y = 0, lo = 0, hi = 0, last_x = 0, last_y = 0;
  std::size_t lo_at = 0, hi_at = 0;
  auto flush = [&] {
    if (cur < 0) return;
    xs.push_back(first_x), ys.push_back(first_y);
    xs.push_back(first_x), ys.push_back(lo_at <= hi_at ? lo : hi);
    xs.push_back(first_x), ys.push_back(lo_at <= hi_at ? hi : lo);
    xs.push_back(last_x), ys.push_back(last_y);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const long col = static_cast<long>((s.x[i] - x0) / (x1 - x0) * columns);
    if (col != cur) {
      flush();
      cur = col;
      first_x = last_x = s.x[i];
      first_y = lo = hi = last_y = s.y[i];
      lo_at = hi_at = i;
      continue;
    }
    if (s.y[i] < lo) lo = s.y[i], lo_at = i;
    if (s.y[i] > hi) hi = s.y[i], hi_at = i;
    last_x = s.x[i], last_y = s.y[i];
  }
  flush();
}

std::string legend(const std::vector<Series>& series) {
  if (series.size() < 2) return "";
  std::string s = "<div class=\"legend\">";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const int c = series[i].color >= 0 ? series[i].color : static_cast<int>(i);
    s += "<span><i style=\"background:" + color(c) + (series[i].dashed ? ";opacity:.6" : "") + "\"></i>" +
         escape(series[i].label) + "</span>";
  }
  return s + "</div>";
}

/// Columns of a timeseries.csv by name.
struct Table {
  std::map<std::string, std::vector<double>> cols;
  const std::vector<double>* get(const std::string& name) const {
    auto it = cols.find(name);
    return it == cols.end() ? nullptr : &it->second;
  }
};

/// The columns of a timeseries.csv that the charts use (the others are skipped unparsed).
Table parse_series(const std::string& text) {
  static const std::set<std::string> wanted = {"time_s",    "gpu_alloc_milli", "gpu_busy_milli",
                                               "frag_gpus", "stranded_gpus",   "queue_length"};
  Table t;
  std::size_t pos = text.find('\n');
  if (pos == std::string::npos) return t;
  std::vector<std::vector<double>*> slots;
  {
    std::stringstream hs(text.substr(0, pos));
    for (std::string f; std::getline(hs, f, ',');) {
      if (!f.empty() && f.back() == '\r') f.pop_back();
      slots.push_back(wanted.contains(f) ? &t.cols[f] : nullptr);
    }
  }
  const std::string_view all(text);
  while (++pos < all.size()) {
    const std::size_t end = std::min(all.find('\n', pos), all.size());
    const std::string_view line = all.substr(pos, end - pos);
    pos = end;
    if (line.empty()) continue;
    std::size_t start = 0;
    for (std::size_t c = 0; c < slots.size() && start <= line.size(); ++c) {
      std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) comma = line.size();
      if (slots[c]) {
        const auto v = csv::parse_double(line.substr(start, comma - start));
        slots[c]->push_back(v ? *v : NAN);
      }
      start = comma + 1;
    }
  }
  return t;
}

std::string page(const std::string& title, const std::string& subtitle, const std::string& body) {
  std::string s;
  s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta name=\"generator\" content=\"fleetsim " FLEETSIM_VERSION "\">\n<title>";
  s += escape(title);
  s +=
      "</title>\n<style>\n"
      "body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;margin:0;"
      "background:#f4f5f7;color:#1f2328}\n"
      "header{background:#1f2937;color:#f9fafb;padding:16px 28px}\n"
      "header h1{margin:0;font-size:21px;font-weight:600}header p{margin:4px 0 0;color:#cbd5e1}\n"
      "main{max-width:1000px;margin:0 auto;padding:18px 24px}\n"
      "section{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px 16px 10px;margin:0 0 16px}\n"
      "h2{font-size:15px;margin:0 0 8px}figure{margin:0}figcaption{font-weight:600;margin:0 0 2px}\n"
      ".note{color:#57606a;font-size:12.5px;margin:0 0 4px}\n"
      "table{border-collapse:collapse;font-variant-numeric:tabular-nums;min-width:60%}\n"
      "th,td{padding:3px 10px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}\n"
      "th:first-child,td:first-child{text-align:left}th{font-weight:600;background:#f6f8fa}\n"
      "tr.meta td{color:#57606a}td.best{color:#116329;font-weight:600}\n"
      ".scroll{overflow-x:auto}\n"
      ".legend{font-size:12.5px;margin:2px 0 0}.legend span{margin-right:16px;white-space:nowrap}\n"
      ".legend i{display:inline-block;width:16px;height:4px;border-radius:2px;vertical-align:middle;margin-right:6px}\n"
      "svg{display:block;width:100%;height:auto}svg text{font-size:11px;fill:#57606a}\n"
      "svg .axis-label{font-size:12px;fill:#1f2328}svg .bar-text{font-size:11.5px;fill:#1f2328}\n"
      "footer{color:#8c959f;font-size:12px;text-align:center;padding:4px 0 20px}\n"
      "</style>\n</head>\n<body>\n<header><h1>";
  s += escape(title) + "</h1>";
  if (!subtitle.empty()) s += "<p>" + escape(subtitle) + "</p>";
  s += "</header>\n<main>\n" + body;
  s += "<footer>fleetsim " FLEETSIM_VERSION
       " &middot; a self-contained page: no scripts, no network</footer>\n"
       "</main>\n</body>\n</html>\n";
  return s;
}

std::string section(const std::string& inner) { return "<section>\n" + inner + "</section>\n"; }

std::string text_of(const ojson& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

/// One run's identity, for table headers.
std::string policy_text(const ojson& s) {
  if (!s.contains("policy")) return "";
  const auto& p = s["policy"];
  return p.value("queue", "") + " / " + p.value("placement", "");
}

bool is_fill(const ojson& s) {
  return s.value("mode", "") == "fill" || (s.contains("metrics") && s["metrics"].contains("fill_curve"));
}

/// (arrived %, value) of a summary's fill curve.
Series fill_series(const ojson& summary, const std::string& field, const std::string& label) {
  Series s;
  s.label = label;
  if (!summary.contains("metrics") || !summary["metrics"].contains("fill_curve")) return s;  // "mode": "fill" alone
  for (const auto& p : summary["metrics"]["fill_curve"])
    if (p.contains("arrived_pct") && p.contains(field) && p[field].is_number()) {
      s.x.push_back(p["arrived_pct"].get<double>());
      s.y.push_back(p[field].get<double>());
    }
  return s;
}

std::string metrics_table(const std::vector<RunData>& runs, const std::vector<std::string>& metrics) {
  std::string s = "<h2>Key metrics</h2>\n<div class=\"scroll\"><table id=\"metrics-table\">\n<tr><th>metric</th>";
  for (const auto& r : runs) s += "<th>" + escape(r.label) + "</th>";
  s += "</tr>\n";
  auto meta = [&](const std::string& name, auto get) {
    s += "<tr class=\"meta\"><td>" + name + "</td>";
    for (const auto& r : runs) s += "<td>" + escape(get(r.summary)) + "</td>";
    s += "</tr>\n";
  };
  meta("scenario", [](const ojson& x) { return x.value("scenario", ""); });
  meta("mode", [](const ojson& x) { return x.value("mode", ""); });
  meta("queue / placement", policy_text);
  meta("seed", [](const ojson& x) { return x.contains("seed") ? text_of(x["seed"]) : std::string(); });
  meta("nodes / GPUs", [](const ojson& x) {
    return x.contains("cluster")
               ? text_of(x["cluster"].value("nodes", ojson())) + " / " + text_of(x["cluster"].value("gpus", ojson()))
               : std::string();
  });
  for (const auto& m : metrics) {
    std::vector<std::optional<double>> v;
    for (const auto& r : runs) v.push_back(find_metric(r.summary, m));
    const Direction d = metric_direction(m);
    std::optional<double> best;
    std::set<double> distinct;
    for (const auto& x : v)
      if (x) {
        distinct.insert(*x);
        if (!best || (d == Direction::higher ? *x > *best : *x < *best)) best = *x;
      }
    const bool mark = runs.size() > 1 && d != Direction::none && distinct.size() > 1;
    s += "<tr><td>" + escape(m) + "</td>";
    for (const auto& x : v)
      s += std::string(mark && x && *x == *best ? "<td class=\"best\">" : "<td>") +
           (x ? escape(format_metric(m, *x)) : "&ndash;") + "</td>";
    s += "</tr>\n";
  }
  s += "</table></div>\n";
  if (runs.size() > 1) s += "<p class=\"note\">Best value per row in green where the better direction is known.</p>\n";
  return s;
}

std::string figure(const std::string& id, const std::string& title, const std::string& note, const std::string& inner) {
  std::string s =
      "<figure class=\"chart\" id=\"" + escape(id) + "\">\n<figcaption>" + escape(title) + "</figcaption>\n";
  if (!note.empty()) s += "<p class=\"note\">" + escape(note) + "</p>\n";
  return s + inner + "</figure>\n";
}

std::string id_token(const std::string& s) {
  std::string t;
  for (char c : s) t += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return t;
}

}  // namespace

std::string escape(const std::string& text) {
  std::string s;
  s.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        s += "&amp;";
        break;
      case '<':
        s += "&lt;";
        break;
      case '>':
        s += "&gt;";
        break;
      case '"':
        s += "&quot;";
        break;
      default:
        s += c;
    }
  }
  return s;
}

std::string render_line_chart(const LineChart& ch) {
  const double height = 280, pw = kWidth - kLeft - kRight, ph = height - kTop - kBottom;
  double x0 = INFINITY, x1 = -INFINITY, y0 = 0, y1 = -INFINITY;
  for (const auto& s : ch.series)
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
    }
  if (ch.y_max_hint) y1 = std::max(y1, *ch.y_max_hint);
  if (!std::isfinite(x0)) x0 = 0, x1 = 1;
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!std::isfinite(y1) || !(y1 > y0)) y1 = y0 + 1;
  const TimeUnit unit = ch.x_is_time ? time_unit(x1) : TimeUnit{1, ""};
  const double ystep = nice_step(y1 - y0, 5);
  y1 = std::ceil(y1 / ystep - 1e-9) * ystep;
  y0 = std::floor(y0 / ystep + 1e-9) * ystep;
  auto X = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto Y = [&](double y) { return kTop + ph - (y - y0) / (y1 - y0) * ph; };

  std::string s = "<svg viewBox=\"0 0 " + c1(kWidth) + " " + c1(height) + "\" role=\"img\" aria-label=\"" +
                  escape(ch.title) + "\">\n";
  for (double y = y0; y <= y1 + ystep * 1e-6; y += ystep)
    s += "<line x1=\"" + c1(kLeft) + "\" x2=\"" + c1(kLeft + pw) + "\" y1=\"" + c1(Y(y)) + "\" y2=\"" + c1(Y(y)) +
         "\" stroke=\"" + (y == y0 ? "#8c959f" : "#eaeef2") + "\"/><text x=\"" + c1(kLeft - 6) + "\" y=\"" +
         c1(Y(y) + 4) + "\" text-anchor=\"end\">" + tick_text(y, ystep) + "</text>\n";
  const double xstep = nice_step((x1 - x0) / unit.seconds, 8);
  for (double xu = std::ceil(x0 / unit.seconds / xstep - 1e-9) * xstep; xu <= x1 / unit.seconds + xstep * 1e-6;
       xu += xstep) {
    const double px = X(xu * unit.seconds);
    s += "<line x1=\"" + c1(px) + "\" x2=\"" + c1(px) + "\" y1=\"" + c1(kTop + ph) + "\" y2=\"" + c1(kTop + ph + 4) +
         "\" stroke=\"#8c959f\"/><text x=\"" + c1(px) + "\" y=\"" + c1(kTop + ph + 16) + "\" text-anchor=\"middle\">" +
         tick_text(xu, xstep) + "</text>\n";
  }
  std::string xl = ch.x_label;
  if (ch.x_is_time) xl += std::string(xl.empty() ? "" : " ") + "(" + unit.name + ")";
  s += "<text class=\"axis-label\" x=\"" + c1(kLeft + pw / 2) + "\" y=\"" + c1(height - 6) +
       "\" text-anchor=\"middle\">" + escape(xl) + "</text>\n";
  s += "<text class=\"axis-label\" transform=\"translate(14 " + c1(kTop + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">" + escape(ch.y_label) + "</text>\n";
  if (ch.y_max_hint) {
    const double py = Y(*ch.y_max_hint);
    s += "<line x1=\"" + c1(kLeft) + "\" x2=\"" + c1(kLeft + pw) + "\" y1=\"" + c1(py) + "\" y2=\"" + c1(py) +
         "\" stroke=\"#57606a\" stroke-dasharray=\"5 4\"/><text x=\"" + c1(kLeft + pw - 4) + "\" y=\"" + c1(py - 4) +
         "\" text-anchor=\"end\">" + escape(ch.y_max_label) + "</text>\n";
  }
  for (std::size_t i = 0; i < ch.series.size(); ++i) {
    const Series& sr = ch.series[i];
    std::vector<double> xs, ys;
    reduce(sr, x0, x1, static_cast<int>(pw), xs, ys);
    std::string d;
    bool pen = false;
    double first_px = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
      if (!std::isfinite(xs[k]) || !std::isfinite(ys[k])) {
        pen = false;
        continue;
      }
      const double px = X(xs[k]), py = Y(ys[k]);
      if (!pen) {
        if (d.empty()) first_px = px;
        d += "M" + c1(px) + " " + c1(py);
        pen = true;
      } else if (ch.step) {
        d += "H" + c1(px) + "V" + c1(py);
      } else {
        d += "L" + c1(px) + " " + c1(py);
      }
    }
    if (pen && ch.step) d += "H" + c1(X(x1));
    const int c = sr.color >= 0 ? sr.color : static_cast<int>(i);
    if ((sr.area || (ch.step && ch.series.size() == 1)) && pen && d.find('M', 1) == std::string::npos)
      s += "<path d=\"" + d + "V" + c1(Y(std::max(y0, 0.0))) + "H" + c1(first_px) + "Z\" fill=\"" + color(c) +
           "\" fill-opacity=\"0.13\" stroke=\"none\"/>\n";
    s += "<path class=\"series\" d=\"" + d + "\" fill=\"none\" stroke=\"" + color(c) + "\" stroke-width=\"1.6\"" +
         (sr.dashed ? " stroke-dasharray=\"6 4\"" : "") + " stroke-linejoin=\"round\"><title>" + escape(sr.label) +
         "</title></path>\n";
  }
  s += "</svg>\n";
  return figure(ch.id, ch.title, ch.note, legend(ch.series) + s);
}

std::string render_bar_chart(const BarChart& ch) {
  std::size_t longest = 4;
  for (const auto& b : ch.bars) longest = std::max(longest, b.label.size());
  const double left = std::min(340.0, 16.0 + 6.6 * static_cast<double>(longest)), right = 130, row = 26;
  const double height = kTop + row * static_cast<double>(ch.bars.size()) + kBottom, pw = kWidth - left - right;
  double lo = 0, hi = 0;
  for (const auto& b : ch.bars) {
    lo = std::min({lo, b.value, b.low.value_or(b.value)});
    hi = std::max({hi, b.value, b.high.value_or(b.value)});
  }
  if (!(hi > lo)) hi = lo + 1;
  const double step = nice_step(hi - lo, 6);
  hi = std::ceil(hi / step - 1e-9) * step;
  lo = std::floor(lo / step + 1e-9) * step;
  auto X = [&](double v) { return left + (v - lo) / (hi - lo) * pw; };
  std::string s = "<svg viewBox=\"0 0 " + c1(kWidth) + " " + c1(height) + "\" role=\"img\" aria-label=\"" +
                  escape(ch.title) + "\">\n";
  const double axis_y = kTop + row * static_cast<double>(ch.bars.size());
  for (double v = lo; v <= hi + step * 1e-6; v += step)
    s += "<line x1=\"" + c1(X(v)) + "\" x2=\"" + c1(X(v)) + "\" y1=\"" + c1(kTop) + "\" y2=\"" + c1(axis_y) +
         "\" stroke=\"" + (std::fabs(v) < step * 1e-9 ? "#8c959f" : "#eaeef2") + "\"/><text x=\"" + c1(X(v)) +
         "\" y=\"" + c1(axis_y + 15) + "\" text-anchor=\"middle\">" + tick_text(v, step) + "</text>\n";
  s += "<text class=\"axis-label\" x=\"" + c1(left + pw / 2) + "\" y=\"" + c1(height - 6) +
       "\" text-anchor=\"middle\">" + escape(ch.x_label) + "</text>\n";
  for (std::size_t i = 0; i < ch.bars.size(); ++i) {
    const Bar& b = ch.bars[i];
    const double y = kTop + row * static_cast<double>(i), mid = y + row / 2;
    const double a = X(std::min(0.0, b.value)), w = std::fabs(X(b.value) - X(0));
    s += "<g class=\"bar\"><title>" + escape(b.label + ": " + b.text) + "</title>";
    const auto fit = static_cast<std::size_t>((left - 16) / 6.6);  // longer labels are cut (the title has them whole)
    const std::string shown = b.label.size() > fit ? b.label.substr(0, fit - 1) + "\u2026" : b.label;
    s += "<text x=\"" + c1(left - 8) + "\" y=\"" + c1(mid + 4) + "\" text-anchor=\"end\" class=\"bar-text\">" +
         escape(shown) + "</text>";
    s += "<rect x=\"" + c1(a) + "\" y=\"" + c1(y + 4) + "\" width=\"" + c1(std::max(w, 0.5)) + "\" height=\"" +
         c1(row - 8) + "\" fill=\"" + color(static_cast<int>(i)) + "\" rx=\"2\"/>";
    double text_x = X(std::max(b.value, 0.0));
    if (b.low && b.high) {
      const double l = X(*b.low), h = X(*b.high);
      s += "<path d=\"M" + c1(l) + " " + c1(mid) + "H" + c1(h) + "M" + c1(l) + " " + c1(mid - 6) + "V" + c1(mid + 6) +
           "M" + c1(h) + " " + c1(mid - 6) + "V" + c1(mid + 6) +
           "\" stroke=\"#1f2328\" stroke-width=\"1.3\" fill=\"none\"/>";
      text_x = std::max(text_x, h);
    }
    s += "<text x=\"" + c1(text_x + 6) + "\" y=\"" + c1(mid + 4) + "\" class=\"bar-text\">" + escape(b.text) +
         "</text></g>\n";
  }
  s += "</svg>\n";
  return figure(ch.id, ch.title, ch.note, s);
}

std::string runs_report(const std::string& title, const std::vector<RunData>& runs,
                        const std::vector<std::string>& metrics) {
  std::string subtitle;
  if (runs.size() == 1) {
    const auto& s = runs[0].summary;
    subtitle = s.value("mode", "") + " \u00b7 queue " + (s.contains("policy") ? s["policy"].value("queue", "") : "") +
               " \u00b7 placement " + (s.contains("policy") ? s["policy"].value("placement", "") : "") +
               " \u00b7 seed " + (s.contains("seed") ? text_of(s["seed"]) : "") +
               (s.contains("cluster") ? " \u00b7 " + text_of(s["cluster"].value("nodes", ojson())) + " nodes, " +
                                            text_of(s["cluster"].value("gpus", ojson())) + " GPUs"
                                      : "");
  } else {
    subtitle = std::to_string(runs.size()) + " runs side by side";
  }
  std::string body = section(metrics_table(runs, metrics));

  // Time charts (replay runs with a timeseries).
  std::vector<std::pair<const RunData*, Table>> timed;
  for (const auto& r : runs)
    if (!r.timeseries_csv.empty() && !is_fill(r.summary)) {
      Table t = parse_series(r.timeseries_csv);
      if (t.get("time_s")) timed.emplace_back(&r, std::move(t));
    }
  if (!timed.empty()) {
    const bool single = timed.size() == 1;
    std::optional<double> capacity;
    std::set<double> caps;
    for (const auto& [r, t] : timed)
      if (r->summary.contains("cluster") && r->summary["cluster"].contains("gpus"))
        caps.insert(r->summary["cluster"]["gpus"].get<double>());
    if (caps.size() == 1) capacity = *caps.begin();
    auto chart_of = [&](const std::string& id, const std::string& title_text, const std::string& note,
                        const std::string& column, double scale, const std::string& y_label) {
      LineChart ch;
      ch.id = id, ch.title = title_text, ch.note = note, ch.x_label = "simulated time", ch.y_label = y_label;
      ch.x_is_time = true;
      for (std::size_t i = 0; i < timed.size(); ++i) {
        const auto* col = timed[i].second.get(column);
        if (!col) continue;
        Series s;
        s.label = timed[i].first->label;
        s.color = static_cast<int>(i);
        s.x = *timed[i].second.get("time_s");
        s.y = *col;
        for (double& y : s.y) y *= scale;
        ch.series.push_back(std::move(s));
      }
      return ch;
    };
    bool any_busy = false;
    for (const auto& [r, t] : timed) any_busy = any_busy || t.get("gpu_busy_milli");
    LineChart alloc =
        chart_of("chart-gpu-alloc", any_busy && single ? "GPUs allocated and busy" : "GPUs allocated",
                 "Allocated GPUs (milli-GPU / 1000) at every change; the dashed line is the cluster's GPU count.",
                 "gpu_alloc_milli", 1e-3, "GPUs");
    if (any_busy && single) {
      alloc.series[0].label = "allocated";
      LineChart busy = chart_of("", "", "", "gpu_busy_milli", 1e-3, "");
      for (auto& s : busy.series) s.label = "busy", s.color = 1, s.dashed = true;
      alloc.series.insert(alloc.series.end(), busy.series.begin(), busy.series.end());
    }
    if (single) alloc.series[0].area = true;
    if (capacity)
      alloc.y_max_hint = capacity, alloc.y_max_label = "capacity " + format_metric("gpus", *capacity) + " GPUs";
    body += section(render_line_chart(alloc));
    if (any_busy && !single)
      body += section(render_line_chart(chart_of(
          "chart-gpu-busy", "GPUs busy", "GPUs doing GPU work (milli-GPU / 1000).", "gpu_busy_milli", 1e-3, "GPUs")));
    bool any_frag = false;
    for (const auto& [r, t] : timed) any_frag = any_frag || t.get("frag_gpus");
    if (any_frag)
      body += section(render_line_chart(chart_of(
          "chart-frag", "Fragmentation",
          "Fragmented GPUs (FGD measure): idle GPU capacity that the target workload's typical tasks cannot use.",
          "frag_gpus", 1, "fragmented GPUs")));
    bool any_stranded = false;
    for (const auto& [r, t] : timed) any_stranded = any_stranded || t.get("stranded_gpus");
    if (any_stranded)
      body += section(render_line_chart(
          chart_of("chart-stranded", "Stranded GPUs",
                   "Free whole GPUs on nodes whose free CPU or memory cannot serve any pending job's per-GPU share.",
                   "stranded_gpus", 1, "stranded GPUs")));
    body += section(render_line_chart(
        chart_of("chart-queue", "Queue length", "Jobs waiting to be placed.", "queue_length", 1, "pending jobs")));
  }

  // Fill curves (fill-mode runs).
  std::vector<const RunData*> fills;
  for (const auto& r : runs)
    if (r.summary.contains("metrics") && r.summary["metrics"].contains("fill_curve")) fills.push_back(&r);
  if (!fills.empty()) {
    LineChart alloc, frag;
    alloc.id = "chart-fill-curve", alloc.title = "Fill curve: GPU allocation as the workload arrives";
    alloc.note =
        "Allocated share of GPU capacity against the arrived GPU request (% of capacity), as in the FGD paper; "
        "the dashed diagonal is every arrived request placed.";
    alloc.x_label = "arrived GPU request (% of capacity)", alloc.y_label = "GPU allocated (%)";
    alloc.step = false;
    frag = alloc;
    frag.id = "chart-fill-frag", frag.title = "Fragmentation as the workload arrives";
    frag.note = "Fragmentation ratio: fragmented share of the idle GPU capacity (FGD measure).";
    frag.y_label = "fragmentation (%)";
    double xmax = 0;
    for (std::size_t i = 0; i < fills.size(); ++i) {
      auto a = fill_series(fills[i]->summary, "gpu_alloc_pct", fills[i]->label);
      auto f = fill_series(fills[i]->summary, "frag_ratio_pct", fills[i]->label);
      a.color = f.color = static_cast<int>(i);
      if (!a.x.empty()) xmax = std::max(xmax, a.x.back());
      alloc.series.push_back(std::move(a));
      frag.series.push_back(std::move(f));
    }
    Series diag;
    diag.label = "arrived", diag.dashed = true, diag.color = 9;
    diag.x = {0, std::min(xmax, 100.0)}, diag.y = diag.x;
    alloc.series.push_back(diag);
    body += section(render_line_chart(alloc));
    body += section(render_line_chart(frag));
  }
  return page(title, subtitle, body);
}

std::string sweep_report(const sweep::Plan& plan, const ojson& results, const std::vector<sweep::RunSummary>& runs,
                         const std::vector<std::string>& metrics) {
  const auto& groups = results["groups"];
  std::string grid;
  for (const auto& ax : plan.axes)
    grid += (grid.empty() ? "" : " \u00d7 ") + ax.path + " (" + std::to_string(ax.values.size()) + ")";
  std::string subtitle = std::to_string(runs.size()) + " runs of " + plan.scenario.filename().string() + ": " + grid;
  if (!plan.replicate.empty()) subtitle += "; mean over " + plan.replicate + " with 95% confidence intervals";

  // Table of "mean ± half-width": grid points as columns when fewer than the metrics, else rows.
  std::vector<std::optional<double>> best(metrics.size());
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    const Direction d = metric_direction(metrics[k]);
    if (d == Direction::none || groups.size() < 2) continue;
    for (const auto& g : groups)
      if (g["metrics"].contains(metrics[k]) && g["metrics"][metrics[k]]["mean"].is_number()) {
        const double v = g["metrics"][metrics[k]]["mean"].get<double>();
        if (!best[k] || (d == Direction::higher ? v > *best[k] : v < *best[k])) best[k] = v;
      }
  }
  auto cell = [&](const ojson& g, std::size_t k) {
    const std::string& m = metrics[k];
    if (!g["metrics"].contains(m)) return std::string("<td>&ndash;</td>");
    const auto& a = g["metrics"][m];
    const double mean = a["mean"].get<double>();
    const std::string text =
        a["ci95_high"].is_number()
            ? format_metric_pm(m, mean, (a["ci95_high"].get<double>() - a["ci95_low"].get<double>()) / 2)
            : format_metric(m, mean);
    return std::string(best[k] && mean == *best[k] ? "<td class=\"best\">" : "<td>") + escape(text) + "</td>";
  };
  std::string t = "<h2>Results per grid point</h2>\n<div class=\"scroll\"><table id=\"metrics-table\">\n";
  if (groups.size() <= metrics.size()) {
    t += "<tr><th>metric</th>";
    for (const auto& g : groups) t += "<th>" + escape(g["label"].get<std::string>()) + "</th>";
    t += "</tr>\n<tr class=\"meta\"><td>runs</td>";
    for (const auto& g : groups) t += "<td>" + std::to_string(g["n"].get<std::size_t>()) + "</td>";
    t += "</tr>\n";
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      t += "<tr><td>" + escape(metrics[k]) + "</td>";
      for (const auto& g : groups) t += cell(g, k);
      t += "</tr>\n";
    }
  } else {
    t += "<tr><th>grid point</th><th>runs</th>";
    for (const auto& m : metrics) t += "<th>" + escape(m) + "</th>";
    t += "</tr>\n";
    for (const auto& g : groups) {
      t += "<tr><td>" + escape(g["label"].get<std::string>()) + "</td><td>" +
           std::to_string(g["n"].get<std::size_t>()) + "</td>";
      for (std::size_t k = 0; k < metrics.size(); ++k) t += cell(g, k);
      t += "</tr>\n";
    }
  }
  t += "</table></div>\n<p class=\"note\">mean \u00b1 half-width of the 95% confidence interval (Student t over the "
       "replicates); best mean per row in green.</p>\n";
  std::string body = section(t);

  for (const auto& m : metrics) {
    BarChart ch;
    ch.id = "chart-bars-" + id_token(m);
    ch.title = m;
    const bool ratio = m.ends_with("_ratio");
    ch.x_label = ratio ? m + " (%)" : m;
    ch.note = plan.replicate.empty() ? "One run per grid point."
                                     : "Mean over " + plan.replicate + "; whiskers: 95% confidence interval.";
    bool any = false;
    for (const auto& g : groups) {
      Bar b;
      b.label = g["label"].get<std::string>();
      if (!g["metrics"].contains(m)) continue;
      const auto& a = g["metrics"][m];
      const double k = ratio ? 100 : 1;
      b.value = a["mean"].get<double>() * k;
      b.text = format_metric(m, a["mean"].get<double>());
      if (a["ci95_low"].is_number()) {
        b.low = a["ci95_low"].get<double>() * k, b.high = a["ci95_high"].get<double>() * k;
        b.text = format_metric_pm(m, a["mean"].get<double>(),
                                  (a["ci95_high"].get<double>() - a["ci95_low"].get<double>()) / 2);
      }
      ch.bars.push_back(std::move(b));
      any = true;
    }
    if (any) body += section(render_bar_chart(ch));
  }

  // Mean fill curve per grid point.
  std::vector<std::map<double, std::pair<double, int>>> alloc(groups.size()), frag(groups.size());
  bool fill = false;
  std::map<std::string, std::size_t> group_of;
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (const auto& d : groups[g]["runs"]) group_of[d.get<std::string>()] = g;
  for (const auto& r : runs) {
    if (!r.summary.contains("metrics") || !r.summary["metrics"].contains("fill_curve")) continue;
    auto it = group_of.find(r.point->dir);
    if (it == group_of.end()) continue;
    fill = true;
    for (const auto& p : r.summary["metrics"]["fill_curve"]) {
      if (!p.is_object() || !p.contains("arrived_pct") || !p["arrived_pct"].is_number()) continue;
      const double x = p["arrived_pct"].get<double>();
      if (p.contains("gpu_alloc_pct") && p["gpu_alloc_pct"].is_number()) {
        auto& [sum, n] = alloc[it->second][x];
        sum += p["gpu_alloc_pct"].get<double>(), ++n;
      }
      if (p.contains("frag_ratio_pct") && p["frag_ratio_pct"].is_number()) {
        auto& [sum, n] = frag[it->second][x];
        sum += p["frag_ratio_pct"].get<double>(), ++n;
      }
    }
  }
  if (fill) {
    LineChart a, f;
    a.id = "chart-fill-curve", a.title = "Fill curve: GPU allocation as the workload arrives (mean per grid point)";
    a.note = "Mean over the replicates of the allocated share of GPU capacity against the arrived GPU request.";
    a.x_label = "arrived GPU request (% of capacity)", a.y_label = "GPU allocated (%)", a.step = false;
    f = a;
    f.id = "chart-fill-frag", f.title = "Fragmentation as the workload arrives (mean per grid point)";
    f.note = "Mean fragmentation ratio (FGD measure) against the arrived GPU request.";
    f.y_label = "fragmentation (%)";
    for (std::size_t g = 0; g < groups.size(); ++g) {
      Series sa, sf;
      sa.label = sf.label = groups[g]["label"].get<std::string>();
      sa.color = sf.color = static_cast<int>(g);
      for (const auto& [x, v] : alloc[g]) sa.x.push_back(x), sa.y.push_back(v.first / v.second);
      for (const auto& [x, v] : frag[g]) sf.x.push_back(x), sf.y.push_back(v.first / v.second);
      a.series.push_back(std::move(sa));
      f.series.push_back(std::move(sf));
    }
    body += section(render_line_chart(a));
    body += section(render_line_chart(f));
  }
  return page("sweep " + plan.name, subtitle, body);
}

}  // namespace fleetsim::report
