# stackc_embed(TARGET OUT_CPP NAMESPACE VAR BASE_DIR FILES...)
# Generates a .cpp defining `const stackc::embed::File VAR[]` (path relative to BASE_DIR, text) and
# `VAR_count`, re-generated whenever one of the files changes.
set(STACKC_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedFiles.cmake)
function(stackc_embed out_cpp var base_dir)
  string(REPLACE ";" "|" joined "${ARGN}")
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DVAR=${var} -DBASE=${base_dir}
            "-DFILES=${joined}" -P ${STACKC_EMBED_SCRIPT}
    DEPENDS ${ARGN} ${STACKC_EMBED_SCRIPT}
    COMMENT "Embedding ${var}"
    VERBATIM)
endfunction()
