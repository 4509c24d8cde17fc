#pragma once
// report.html: one self-contained page (inline CSS and SVG, no script, no network) with the key
// metrics and charts of a run, of several runs side by side (compare), or of a sweep (per grid
// point bars with 95% confidence intervals). Charts pick up whatever columns and metrics the
// outputs hold: busy GPUs appear when timeseries.csv has gpu_busy_milli, the fill curve when the
// summary has metrics.fill_curve.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/study/sweep.hpp"

namespace fleetsim::report {

/// @brief One finished run: its summary.json and (optionally) its timeseries.csv text.
struct RunData {
  std::string label;  ///< legend and column name
  nlohmann::ordered_json summary;
  std::string timeseries_csv;  ///< empty: no time charts for this run
};

/// @brief Page of one run, or of several compared side by side; `metrics` are the table rows.
std::string runs_report(const std::string& title, const std::vector<RunData>& runs,
                        const std::vector<std::string>& metrics);

/// @brief Page of a sweep: results (aggregate()'s document) as a table and bar charts with 95%
/// confidence intervals per grid point for `metrics`, and the mean fill curve per grid point when
/// the runs are fill experiments.
std::string sweep_report(const sweep::Plan& plan, const nlohmann::ordered_json& results,
                         const std::vector<sweep::RunSummary>& runs, const std::vector<std::string>& metrics);

// Building blocks, public for tests and other pages.

struct Series {
  std::string label;
  std::vector<double> x, y;
  bool dashed = false;
  bool area = false;  ///< shade the area below the line
  int color = -1;     ///< palette index; -1 = by position
};

struct LineChart {
  std::string id, title, note, x_label, y_label;
  std::vector<Series> series;
  bool step = true;                  ///< values hold until the next point (time series)
  bool x_is_time = false;            ///< x in seconds: shown in s, min, h or days
  std::optional<double> y_max_hint;  ///< e.g. the cluster's GPU count (drawn as a dashed line)
  std::string y_max_label;
};

struct Bar {
  std::string label;
  double value = 0;
  std::optional<double> low, high;  ///< confidence interval
  std::string text;                 ///< shown at the bar's end
};

struct BarChart {
  std::string id, title, note, x_label;
  std::vector<Bar> bars;
};

/// @brief An SVG step/line chart (series with many points are reduced to a per-pixel envelope).
std::string render_line_chart(const LineChart& chart);
/// @brief An SVG horizontal bar chart with confidence-interval whiskers.
std::string render_bar_chart(const BarChart& chart);
/// @brief Text with &, <, >, " escaped.
std::string escape(const std::string& text);

}  // namespace fleetsim::report
