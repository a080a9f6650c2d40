// polyrep plot: the interactive report, paper figures and Vega-Lite specs of a reduced file.
#include "commands.hpp"
#include "polyrep/plot/plot_job.hpp"

namespace polyrep::cli {

Command add_plot(CLI::App& root) {
  struct Flags {
    std::string file, out;
    plot::PlotOptions options;
    bool no_figures = false, no_vega_lite = false;
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
  return Command{app, false, [flags](const mpi::Comm*) {
                   flags->options.static_figures = !flags->no_figures;
                   flags->options.vega_lite = !flags->no_vega_lite;
                   plot::run_plot(flags->file, flags->out, flags->options);
                 }};
}

}  // namespace polyrep::cli
