// polyrep tokenize: the tokenizer as the extraction uses it, one input line per output line.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/model/config.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::cli {
namespace {

struct TokenizeFlags {
  std::string model_dir;
  bool ids = false;
  std::size_t max_tokens = 0;
  std::vector<std::string> texts;
};

void print_line(const tokenizer::Tokenizer& tok, const std::string& text, const TokenizeFlags& f) {
  const tokenizer::Encoded encoded = tok.encode(text, f.max_tokens);
  std::string line;
  for (std::size_t i = 0; i < encoded.ids.size(); ++i) {
    if (i > 0) line += ' ';
    line += f.ids ? std::to_string(encoded.ids[i]) : tok.id_to_piece(encoded.ids[i]);
  }
  std::cout << line << '\n';
}

void run_tokenize(const TokenizeFlags& flags) {
  // Checked here rather than by CLI11, so that the message is the one error line of every command.
  std::error_code ec;
  const auto status = std::filesystem::status(flags.model_dir, ec);
  if (!std::filesystem::exists(status)) throw UsageError("--model " + flags.model_dir + ": no such directory");
  if (!std::filesystem::is_directory(status))
    throw UsageError("--model " + flags.model_dir + ": not a directory (expected a HuggingFace model folder)");
  // Tokenizing needs no model: a directory with only tokenizer files (and perhaps a config.json
  // naming just the model type) is enough.
  const std::string model_type = model::read_model_type(std::filesystem::path(flags.model_dir) / "config.json");
  const auto tok = tokenizer::load_tokenizer(flags.model_dir, {model_type});
  if (!flags.texts.empty()) {
    for (const std::string& text : flags.texts) print_line(*tok, text, flags);
    return;
  }
  std::string line;
  std::int64_t number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    try {
      print_line(*tok, line, flags);
    } catch (const InputError& e) {
      throw InputError("stdin:" + std::to_string(number) + ": " + e.what());
    }
  }
}

}  // namespace

Command add_tokenize(CLI::App& root) {
  auto flags = std::make_shared<TokenizeFlags>();
  CLI::App* app = root.add_subcommand(
      "tokenize", "Print the pieces (or ids, --ids) of each line of stdin, special tokens included");
  app->add_option("--model", flags->model_dir, "HuggingFace model directory")
      ->required();
  app->add_flag("--ids", flags->ids, "Print token ids instead of pieces");
  app->add_option("--max-tokens", flags->max_tokens, "Truncate to this many tokens (0 = no limit)");
  app->add_option("text", flags->texts, "Texts to tokenize instead of stdin lines");
  return Command{app, false, [flags](const mpi::Comm*) { run_tokenize(*flags); }};
}

}  // namespace polyrep::cli
