# cmake -DOUT=<file.cpp> -DFIXTURES="a.json;b.json" -P embed_fixtures.cmake
# Writes a .cpp that returns the fixture files as strings. Raw literals are split into 8 KiB
# chunks so no single literal exceeds what -Wpedantic (-Woverlength-strings) accepts.
set(chunk 8000)
set(body "")
foreach(f IN LISTS FIXTURES)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" text)
  string(LENGTH "${text}" len)
  string(APPEND body "    {\n      std::string s;\n")
  set(pos 0)
  while(pos LESS len)
    string(SUBSTRING "${text}" ${pos} ${chunk} part)
    string(APPEND body "      s += R\"FINIFIX(${part})FINIFIX\";\n")
    math(EXPR pos "${pos} + ${chunk}")
  endwhile()
  string(APPEND body "      files[\"${name}\"] = std::move(s);\n    }\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from sim/fixtures/*.json by sim/embed_fixtures.cmake. Do not edit.
#include \"sim/fixtures.hpp\"

namespace fini::sim {

const FixtureFiles& embedded_fixtures() {
  static const FixtureFiles kFiles = [] {
    FixtureFiles files;
${body}    return files;
  }();
  return kFiles;
}

}  // namespace fini::sim
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
