# Script mode (cmake -P): writes OUT, a C++ file defining polyrep::plot::report_template(),
# report_css() and report_js() from the report's asset files, so that the polyrep binary carries
# the viewer and writes self-contained reports wherever it is installed.
#   cmake -DASSET_DIR=... -DOUT=... -P EmbedAssets.cmake
# report_js() is the viewer's modules, ASSET_DIR/js/*.js, joined in file-name order (hence the
# numbered names) inside one function, `(function () { 'use strict'; ... })();`: the modules share
# that scope and nothing leaks into the page's globals.
set(content "// Generated from src/plot/assets by cmake/EmbedAssets.cmake; do not edit.\n")
string(APPEND content "#include \"polyrep/plot/report_assets.hpp\"\n\nnamespace polyrep::plot {\n")

# Appends to `content` the definition of `fn` returning `text`.
function(embed fn label text)
  # The writer inlines the assets into <style>/<script> elements, which these would end early.
  if(NOT label STREQUAL "report.html")
    foreach(closer "</script" "</style")
      string(FIND "${text}" "${closer}" inside)
      if(NOT inside EQUAL -1)
        message(FATAL_ERROR "${label} contains ${closer}, which would end its inlined element")
      endif()
    endforeach()
  endif()
  string(FIND "${text}" ")polyrep_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${label} contains the raw-string delimiter )polyrep_asset\"")
  endif()
  # GCC and Clang accept long raw strings; split anyway to stay far below any compiler's limit.
  string(LENGTH "${text}" n)
  set(pieces "")
  set(start 0)
  while(start LESS n)
    string(SUBSTRING "${text}" ${start} 16000 piece)
    string(APPEND pieces "R\"polyrep_asset(${piece})polyrep_asset\"\n")
    math(EXPR start "${start} + 16000")
  endwhile()
  if(pieces STREQUAL "")
    set(pieces "\"\"")
  endif()
  set(content "${content}std::string_view ${fn}() {\n  static const char text[] =\n${pieces};\n  return {text, sizeof text - 1};\n}\n\n" PARENT_SCOPE)
endfunction()

file(READ "${ASSET_DIR}/report.html" html)
embed(report_template "report.html" "${html}")
file(READ "${ASSET_DIR}/report.css" css)
embed(report_css "report.css" "${css}")

file(GLOB modules "${ASSET_DIR}/js/*.js")
list(SORT modules)
if(NOT modules)
  message(FATAL_ERROR "no viewer modules in ${ASSET_DIR}/js")
endif()
set(js "(function () {\n'use strict';\n")
foreach(module IN LISTS modules)
  get_filename_component(name "${module}" NAME)
  file(READ "${module}" text)
  string(APPEND js "// ---------------------------------------------------------------- js/${name}\n${text}")
endforeach()
string(APPEND js "})();\n")
embed(report_js "js/*.js" "${js}")

string(APPEND content "}  // namespace polyrep::plot\n")
file(WRITE "${OUT}.tmp" "${content}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
