#pragma once
// The scenario format as one declarative tree: every object, its keys, types, bounds, defaults
// and one-line descriptions. It drives both the validator and the published JSON Schema, so
// the two cannot disagree. Internal to sim/scenario.cpp (and its tests).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim::spec {

/// @brief JSON kinds the format uses. `map` is a free-form object (keys checked elsewhere).
enum class Type : std::uint8_t { object, map, array, string, integer, number, boolean };

struct Field;

/// @brief What one JSON value must be. Built fluently, e.g.
/// `integer("GPUs per node.").min(0).max(64).def(0)`.
struct Spec {
  Type type = Type::object;
  std::string description;
  nlohmann::ordered_json default_value;     ///< null = no default
  std::optional<double> minimum, maximum;   ///< integer/number bounds (inclusive)
  bool exclusive_min = false;               ///< `minimum` itself is not allowed
  bool non_empty = false;                   ///< strings: minLength 1; arrays: minItems 1
  std::vector<std::string> choices;         ///< strings: the allowed values (enum)
  std::vector<std::string> examples;        ///< strings: suggestions (schema only)
  std::vector<Field> fields;                ///< objects: the allowed keys, in display order
  std::vector<std::string> exactly_one_of;  ///< objects: exactly one of these keys is present
  std::vector<std::pair<std::string, std::string>> needed_if_positive;  ///< (key, other): other is required when key > 0
  std::shared_ptr<const Spec> items;        ///< arrays: every element
  std::string unique_by;                    ///< arrays of objects: values of this key are distinct

  Spec min(double v) &&;                  ///< inclusive lower bound
  Spec above(double v) &&;                ///< exclusive lower bound
  Spec max(double v) &&;                  ///< inclusive upper bound
  Spec def(nlohmann::ordered_json v) &&;  ///< default value (filled in by the validator)
  Spec not_empty() &&;
  Spec one_of(std::vector<std::string> values) &&;
  Spec suggest(std::vector<std::string> values) &&;
  Spec exactly_one(std::vector<std::string> keys) &&;
  Spec needs_if_positive(std::string key, std::string other) &&;
  Spec unique(std::string key) &&;
};

/// @brief One key of an object.
struct Field {
  std::string key;
  Spec spec;
  bool is_required = false;
  std::string only_with;  ///< allowed only when this sibling key is present (dependentRequired)

  Field required() && { is_required = true; return std::move(*this); }
  Field needs(std::string sibling) && { only_with = std::move(sibling); return std::move(*this); }
};

Spec object(std::string description, std::vector<Field> fields);
Spec map(std::string description);
Spec array(std::string description, Spec items);
Spec string(std::string description);
Spec integer(std::string description);
Spec number(std::string description);
Spec boolean(std::string description);
Field key(std::string name, Spec spec);

/// @brief The scenario document, root object first.
const Spec& scenario();
/// @brief A pipeline object given inline in a job (the templates' keys without "name").
const Spec& inline_pipeline();

/// @brief Checks `doc` against `spec`, keys in document order, and returns it with defaults
/// filled in (absent optional objects without required keys are filled too). Throws
/// InputError "<label>: <json-pointer>: <what was expected>, got <value>".
nlohmann::ordered_json validate(const nlohmann::ordered_json& doc, const Spec& spec, const std::string& label);

/// @brief The JSON Schema (draft 2020-12) of `spec`.
nlohmann::ordered_json to_schema(const Spec& spec);

/// @brief "<label>: <pointer>: <what>" (the pointer is left out when empty).
std::string located(const std::string& label, const std::string& pointer, const std::string& what);
/// @brief A value for "got ...": compact JSON, cut at 80 characters.
std::string brief(const nlohmann::ordered_json& v);
/// @brief `key` escaped for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key);

} // namespace fleetsim::spec
