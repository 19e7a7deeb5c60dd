// The PEGTL grammar of .stack files (PEGTL 3.2.7). specs/language.md gives the same grammar as
// EBNF; keep the two in step. Rules that carry actions are named types; the builder in
// parse.cpp attaches the actions. Error messages are "CODE|text" so the parser can report them
// under the registry's codes.
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace stackc::syntax::grammar {

using namespace tao::pegtl;  // NOLINT(google-build-using-namespace): grammar DSL

// ---- lexical --------------------------------------------------------------------------------
struct comment : seq<one<'#'>, star<not_one<'\n'>>> {};
struct blank : one<' ', '\t', '\r'> {};
struct sp : star<sor<blank, comment>> {};             // within a line
struct ws : star<sor<blank, one<'\n'>, comment>> {};  // across lines
struct ident_first : ranges<'a', 'z', 'A', 'Z', '_'> {};
struct ident_other : sor<ranges<'a', 'z', 'A', 'Z', '0', '9'>, one<'_', '-'>> {};
struct ident : seq<ident_first, star<ident_other>> {};
struct kw_from : seq<TAO_PEGTL_STRING("from"), not_at<ident_other>> {};
struct bom : TAO_PEGTL_STRING("\xEF\xBB\xBF") {};

// ---- strings --------------------------------------------------------------------------------
struct esc_unicode : seq<one<'u'>, one<'{'>, rep_min_max<1, 6, xdigit>, one<'}'>> {};
struct esc_char : sor<one<'"', '\\', 'n', 't', 'r', '$', '0'>, esc_unicode> {};
struct escape : seq<one<'\\'>, must<esc_char>> {};
struct interp_path : seq<ident, star<one<'.'>, ident>> {};
struct interp_close : one<'}'> {};
struct interp : seq<TAO_PEGTL_STRING("${"), must<interp_path>, must<interp_close>> {};
struct str_char : sor<escape, interp, not_one<'"', '\\', '\n'>> {};
struct str_close : one<'"'> {};
struct plain_string : seq<one<'"'>, star<str_char>, must<str_close>> {};
struct triple_quote : TAO_PEGTL_STRING("\"\"\"") {};
struct triple_close : triple_quote {};
struct triple_char : sor<escape, interp, seq<not_at<triple_quote>, any>> {};
struct triple_string : seq<triple_quote, star<triple_char>, must<triple_close>> {};
struct string_lit : sor<triple_string, plain_string> {};

// ---- numbers --------------------------------------------------------------------------------
struct digits : seq<digit, star<sor<digit, seq<one<'_'>, at<digit>>>>> {};
struct fraction : seq<one<'.'>, digits> {};
struct unit : sor<one<'%'>, plus<alpha>> {};
struct number : seq<opt<one<'-'>>, digits, opt<fraction>, opt<unit>> {};
struct range_bound : seq<number> {};
struct range_tail : seq<TAO_PEGTL_STRING(".."), must<range_bound>> {};
struct arrow_bound : seq<number> {};
struct arrow_tail : seq<sp, TAO_PEGTL_STRING("->"), sp, must<arrow_bound>> {};
struct number_or_range : seq<number, opt<sor<range_tail, arrow_tail>>> {};

// ---- values ---------------------------------------------------------------------------------
struct value;
struct stmts;
struct value_string : string_lit {};
struct path : seq<ident, star<one<'.'>, ident>> {};
struct list_open : one<'['> {};
struct list_close : one<']'> {};
struct list_item : seq<value> {};
struct list
    : seq<list_open, ws, opt<list_item, ws, star<one<','>, ws, list_item, ws>, opt<one<','>, ws>>,
          must<list_close>> {};
struct arg_value : seq<value> {};
struct named_arg : seq<ident, ws, one<'='>, not_at<one<'='>>, ws, must<arg_value>> {};
struct arg : sor<named_arg, arg_value> {};
struct call_open : one<'('> {};
struct call_close : one<')'> {};
struct call_args : seq<call_open, ws, opt<arg, ws, star<one<','>, ws, arg, ws>, opt<one<','>, ws>>,
                       must<call_close>> {};
struct obj_open : one<'{'> {};
struct obj_close : one<'}'> {};
struct obj_block : seq<obj_open, ws, stmts, ws, must<obj_close>> {};
struct path_value : seq<path, opt<sor<call_args, seq<sp, obj_block>>>> {};
struct value : sor<value_string, list, number_or_range, path_value> {};

// ---- statements -----------------------------------------------------------------------------
struct key : ident {};
struct label_string : plain_string {};
struct label_ident : seq<not_at<kw_from>, ident> {};
struct label : sor<label_string, label_ident> {};
struct from_name : ident {};
struct from_clause : seq<kw_from, sp, must<from_name>, star<sp, one<','>, ws, must<from_name>>> {};
struct assign_value : value {};
struct assign : seq<one<'='>, sp, must<assign_value>> {};
struct block_open : one<'{'> {};
struct block_close : one<'}'> {};
struct block : seq<block_open, ws, stmts, ws, must<block_close>> {};
struct bare_end : sor<one<'\n'>, one<','>, at<one<'}'>>, eof> {};
struct statement : seq<key, star<sp, label>, opt<sp, from_clause>, sp,
                       sor<seq<sor<assign, block>, sp, opt<one<','>>>, must<bare_end>>> {};

// A statement with error recovery: a syntax error inside it is reported and the input is
// skipped to the end of the statement's line (at its bracket depth), then parsing goes on.
// Text that cannot start a statement is reported and skipped the same way. The state (the
// parser's builder) does the work, in `guarded_match`.
template <bool TopLevel>
struct guarded {
  using rule_t = guarded;
  using subs_t = type_list<statement>;
  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename State>
  static bool match(ParseInput& in, State& state) {
    return state.template guarded_match<TopLevel, statement, A, M, Action, Control>(in);
  }
};

struct stmts : star<ws, guarded<false>> {};
struct top_stmts : star<ws, guarded<true>> {};
struct file : seq<opt<bom>, top_stmts, ws, must<eof>> {};

// ---- error messages -------------------------------------------------------------------------
template <typename Rule>
inline constexpr const char* error_message = nullptr;
// clang-format off
template <> inline constexpr const char* error_message<esc_char> = "E1003|unknown escape sequence in a string";
template <> inline constexpr const char* error_message<interp_path> = "E1001|expected a reference such as `stack.version` after `${`";
template <> inline constexpr const char* error_message<interp_close> = "E1001|expected `}` to close `${`";
template <> inline constexpr const char* error_message<str_close> = "E1002|unterminated string: the line ends before the closing `\"`";
template <> inline constexpr const char* error_message<triple_close> = "E1002|unterminated multi-line string: the file ends before the closing `\"\"\"`";
template <> inline constexpr const char* error_message<range_bound> = "E1001|expected a number after `..`";
template <> inline constexpr const char* error_message<arrow_bound> = "E1001|expected a number after `->`";
template <> inline constexpr const char* error_message<list_close> = "E1007|expected `,` or `]` to close the list";
template <> inline constexpr const char* error_message<arg_value> = "E1001|expected a value for the named argument";
template <> inline constexpr const char* error_message<call_close> = "E1007|expected `,` or `)` to close the call";
template <> inline constexpr const char* error_message<obj_close> = "E1007|expected `}` to close the block";
template <> inline constexpr const char* error_message<from_name> = "E1001|expected a template name after `from`";
template <> inline constexpr const char* error_message<assign_value> = "E1001|expected a value after `=`";
template <> inline constexpr const char* error_message<block_close> = "E1007|expected `}` to close the block";
template <> inline constexpr const char* error_message<bare_end> = "E1001|expected `=`, `{` or the end of the line";
// clang-format on

// Messages are used only where a `must<>` fails (raise), never when a rule merely fails
// inside a `sor<>` or `opt<>`.
struct errors {
  template <typename Rule>
  static constexpr const char* message = error_message<Rule>;
  template <typename Rule>
  static constexpr bool raise_on_failure = false;
};

template <typename Rule>
struct control : must_if<errors, normal, false>::control<Rule> {};

}  // namespace stackc::syntax::grammar

namespace tao::pegtl {
// For analyze<>: a guarded statement is a statement, or a skipped run of text.
template <typename Name, bool TopLevel>
struct analyze_traits<Name, stackc::syntax::grammar::guarded<TopLevel>>
    : analyze_sor_traits<stackc::syntax::grammar::statement, plus<any>> {};
}  // namespace tao::pegtl
