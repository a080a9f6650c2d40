// polyrep plot: the interactive report, paper figures and Vega-Lite specs of a reduced file.
#include "commands.hpp"
#include "polyrep/plot/plot_job.hpp"

namespace polyrep::cli {
namespace {

// "base, LoRA" -> {"base", "LoRA"} (spaces around each name dropped); "" -> {}.
std::vector<std::string> split_labels(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = name.find_first_not_of(' '), last = name.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : name.substr(first, last - first + 1));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

Command add_plot(CLI::App& root) {
  struct Flags {
    std::string file, out;
    plot::PlotOptions options;
    bool no_figures = false, no_vega_lite = false, no_align = false;
    std::string compare, labels;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* app = root.add_subcommand(
      "plot", "Write DIR/report.html (interactive, opens offline), DIR/figures (SVG/PNG/PDF per layer and grids) "
              "and DIR/vega-lite from a file that polyrep reduce has processed");
  app->add_option("file", flags->file, "HDF5 file written by polyrep extract, after polyrep reduce")->required();
  app->add_option("--out", flags->out, "Output directory (created if missing)")->required();
  app->add_option("--max-points", flags->options.data.max_points,
                  "Points per cloud at most (subsampled by language; t-SNE's rows when it ran)")
      ->capture_default_str();
  app->add_option("--seed", flags->options.data.seed, "Subsampling seed")->capture_default_str();
  app->add_option("--formats", flags->options.figures.formats, "Static figure formats: svg, png, pdf")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--max-attention-maps", flags->options.data.max_attention_maps,
                  "Attention maps in the report at most (extract --attention mean): whole translation groups, "
                  "spread evenly over the source indices; 0: none")
      ->capture_default_str();
  app->add_flag("--no-figures", flags->no_figures, "Skip the static figures");
  app->add_flag("--attention-figures", flags->options.attention_figures,
                "Also write figures/attention/<source_index>_layerNN.<format>: the heatmaps of each sentence's "
                "attention map and its translations' per transformer layer (even with --no-figures)");
  app->add_flag("--no-vega-lite", flags->no_vega_lite, "Skip the Vega-Lite specs and CSVs");
  app->add_option("--compare", flags->compare,
                  "Another reduced extraction of the same sentences (e.g. a fine-tuned model): the report shows both "
                  "side by side per layer, with the linear CKA of their sentence vectors; figures/compare_*");
  app->add_option("--labels", flags->labels,
                  "With --compare: the two files' names in the report, 'A,B' (default: model and adapters)");
  app->add_flag("--no-align", flags->no_align,
                "With --compare: show B's layouts as reduce wrote them (default: rotated or reflected onto A's, "
                "since PCA signs and t-SNE rotations are arbitrary)");
  return Command{app, false, [flags](const mpi::Comm*) {
                   flags->options.align = !flags->no_align;
                   flags->options.static_figures = !flags->no_figures;
                   flags->options.vega_lite = !flags->no_vega_lite;
                   flags->options.compare = flags->compare;
                   flags->options.labels = split_labels(flags->labels);
                   plot::run_plot(flags->file, flags->out, flags->options);
                 }};
}

}  // namespace polyrep::cli
