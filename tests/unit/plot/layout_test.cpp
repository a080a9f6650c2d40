// Layout geometry is checked for the properties a reader needs: nothing overlaps, everything is
// on the page, the legend lists exactly the languages present, and data map onto the frames as
// documented (extremes at the inset edges, y upwards).
#include "polyrep/plot/layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "polyrep/core/error.hpp"

namespace {

using polyrep::plot::FigureLayout;
using polyrep::plot::FigureOptions;
using polyrep::plot::Legend;
using polyrep::plot::LegendPlacement;
using polyrep::plot::Rect;
using polyrep::plot::ScatterPanel;

Legend named_legend(int n) {
  Legend legend;
  for (int i = 0; i < n; ++i) {
    std::string name = "lang";
    name += static_cast<char>('a' + i % 26);
    name += static_cast<char>('a' + i / 26 % 26);
    legend.names.push_back(name + "_Latn");
  }
  return legend;
}

// Points of every group in `groups`, scattered on a circle.
ScatterPanel panel_with(const std::vector<std::int32_t>& groups, const std::string& title) {
  ScatterPanel p;
  p.title = title;
  p.subtitle = "KL 1.00";
  p.xy.resize(static_cast<Eigen::Index>(groups.size()), 2);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    p.xy(static_cast<Eigen::Index>(i), 0) = static_cast<float>(std::cos(i * 0.7));
    p.xy(static_cast<Eigen::Index>(i), 1) = static_cast<float>(std::sin(i * 0.7));
  }
  p.group = groups;
  return p;
}

std::vector<std::int32_t> range(int begin, int end) {
  std::vector<std::int32_t> v;
  for (int g = begin; g < end; ++g) v.push_back(g);
  return v;
}

Rect marker_box(const polyrep::plot::LegendItem& item) {
  return {item.marker_x - item.marker_radius, item.marker_y - item.marker_radius,
          2 * item.marker_radius, 2 * item.marker_radius};
}

// Everything drawn: frames and headers of panels, legend markers and names, all on the page and
// pairwise apart.
void expect_tidy(const FigureLayout& f) {
  const Rect page{0, 0, f.width, f.height};
  std::vector<Rect> boxes;
  for (const auto& p : f.panels) {
    boxes.push_back(p.frame);
    boxes.push_back(p.header);
  }
  for (const auto& item : f.legend.items) {
    boxes.push_back(marker_box(item));
    boxes.push_back(item.label);
    EXPECT_TRUE(polyrep::plot::contains(f.legend.box, item.label));
  }
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_TRUE(polyrep::plot::contains(page, boxes[i])) << "box " << i << " off the page";
    for (std::size_t j = 0; j < i; ++j) {
      ASSERT_FALSE(polyrep::plot::overlaps(boxes[i], boxes[j]))
          << "boxes " << j << " (" << boxes[j].x << ", " << boxes[j].y << ", " << boxes[j].width
          << " x " << boxes[j].height << ") and " << i << " (" << boxes[i].x << ", " << boxes[i].y
          << ", " << boxes[i].width << " x " << boxes[i].height << ")";
    }
  }
}

TEST(Layout, ManyLanguagesGiveAMultiColumnLegendThatOverlapsNothing) {
  const Legend legend = named_legend(204);
  for (int panels : {1, 2, 13}) {
    std::vector<ScatterPanel> ps;
    for (int p = 0; p < panels; ++p) ps.push_back(panel_with(range(0, 204), "layer"));
    const FigureLayout f = polyrep::plot::layout_figure(ps, legend, {});
    SCOPED_TRACE(panels);
    EXPECT_EQ(f.legend.items.size(), 204u);
    EXPECT_GE(f.legend.columns, 3);
    EXPECT_LE(f.legend.font_size, 7);
    EXPECT_GE(f.legend.font_size, 5);
    expect_tidy(f);
  }
}

TEST(Layout, LegendListsOnlyPresentLanguagesInLegendOrder) {
  const Legend legend = named_legend(10);
  const std::vector<ScatterPanel> ps = {panel_with({7, 2, 2}, "a"), panel_with({5, 7}, "b")};
  FigureOptions options;
  options.legend = LegendPlacement::right;
  const FigureLayout f = polyrep::plot::layout_figure(ps, legend, options);
  ASSERT_EQ(f.legend.items.size(), 3u);
  EXPECT_EQ(f.legend.items[0].group, 2);
  EXPECT_EQ(f.legend.items[1].group, 5);
  EXPECT_EQ(f.legend.items[2].group, 7);
  // Column-major: with one column they go down.
  EXPECT_LT(f.legend.items[0].marker_y, f.legend.items[1].marker_y);
  expect_tidy(f);
}

TEST(Layout, ExplicitPlacementsAreHonouredAndTidy) {
  const Legend legend = named_legend(60);
  std::vector<ScatterPanel> ps(5, panel_with(range(0, 60), "layer"));
  for (auto where : {LegendPlacement::right, LegendPlacement::bottom}) {
    FigureOptions options;
    options.legend = where;
    const FigureLayout f = polyrep::plot::layout_figure(ps, legend, options);
    EXPECT_EQ(f.legend.placement, where);
    if (where == LegendPlacement::right) {
      EXPECT_GE(f.legend.box.x, f.grid.right());
    } else {
      EXPECT_GE(f.legend.box.y, f.grid.bottom());
    }
    expect_tidy(f);
  }
}

TEST(Layout, LegendUsesTheGridsEmptyCellsWhenItFits) {
  std::vector<ScatterPanel> ps(13, panel_with(range(0, 6), "layer"));
  const FigureLayout f = polyrep::plot::layout_figure(ps, named_legend(6), {});
  EXPECT_EQ(f.columns, 5);
  EXPECT_EQ(f.rows, 3);
  EXPECT_EQ(f.legend.placement, LegendPlacement::empty_cells);
  EXPECT_TRUE(polyrep::plot::contains(f.grid, f.legend.box));
  EXPECT_GT(f.legend.box.x, f.panels[12].frame.right());
  expect_tidy(f);
}

TEST(Layout, PanelsAreSquareFramesOfTheRequestedSizeInRowMajorOrder) {
  FigureOptions options;
  options.panel_size = 100;
  options.columns = 3;
  options.title = "a figure title";
  std::vector<ScatterPanel> ps(7, panel_with({0}, "t"));
  ps[2].x_label = "PC1";
  const FigureLayout f = polyrep::plot::layout_figure(ps, named_legend(1), options);
  EXPECT_EQ(f.columns, 3);
  EXPECT_EQ(f.rows, 3);
  for (const auto& p : f.panels) {
    EXPECT_EQ(p.frame.width, 100);
    EXPECT_EQ(p.frame.height, 100);
    EXPECT_LT(p.title_baseline, p.frame.y);
  }
  EXPECT_LT(f.panels[0].frame.x, f.panels[1].frame.x);
  EXPECT_EQ(f.panels[0].frame.y, f.panels[2].frame.y);
  EXPECT_GT(f.panels[3].frame.y, f.panels[2].frame.bottom());  // x label row below row 0
  EXPECT_GT(f.title_baseline, 0);
  EXPECT_LT(f.title_baseline, f.panels[0].header.y + 1);
  EXPECT_EQ(f.width, std::ceil(f.width));
  expect_tidy(f);
}

TEST(Layout, LongSubtitlesMoveToASecondLine) {
  ScatterPanel p = panel_with({0}, "layer 12 · t-SNE");
  const FigureLayout one = polyrep::plot::layout_figure({p}, named_legend(1), {});
  EXPECT_EQ(one.panels[0].subtitle_baseline, one.panels[0].title_baseline);
  p.subtitle = std::string(60, 'x');
  const FigureLayout two = polyrep::plot::layout_figure({p}, named_legend(1), {});
  EXPECT_GT(two.panels[0].subtitle_baseline, two.panels[0].title_baseline);
  EXPECT_LT(two.panels[0].subtitle_baseline, two.panels[0].frame.y);
}

TEST(Layout, GridColumns) {
  EXPECT_EQ(polyrep::plot::grid_columns(1, 0), 1);
  EXPECT_EQ(polyrep::plot::grid_columns(2, 0), 2);
  EXPECT_EQ(polyrep::plot::grid_columns(4, 0), 2);
  EXPECT_EQ(polyrep::plot::grid_columns(13, 0), 5);  // 5 x 3, two empty cells
  EXPECT_EQ(polyrep::plot::grid_columns(25, 0), 5);  // 5 x 5, none empty
  EXPECT_EQ(polyrep::plot::grid_columns(13, 4), 4);
  EXPECT_EQ(polyrep::plot::grid_columns(3, 10), 3);  // never more columns than panels
}

TEST(Layout, BoundsIgnoreNonFiniteCoordinates) {
  polyrep::plot::PointMatrix xy(5, 2);
  xy << 1, 2, NAN, 100, -3, 4, INFINITY, 0, 5, -INFINITY;
  const auto b = polyrep::plot::data_bounds(xy);
  EXPECT_EQ(b.finite, 2u);
  EXPECT_EQ(b.x_min, -3);
  EXPECT_EQ(b.x_max, 1);
  EXPECT_EQ(b.y_min, 2);
  EXPECT_EQ(b.y_max, 4);
  EXPECT_EQ(polyrep::plot::data_bounds(polyrep::plot::PointMatrix(0, 2)).finite, 0u);
}

TEST(Layout, MappingPutsExtremesAtTheInsetEdgesWithYUp) {
  polyrep::plot::DataBounds b;
  b.x_min = -2, b.x_max = 6, b.y_min = 10, b.y_max = 20, b.finite = 2;
  const Rect frame{100, 50, 200, 200};
  const polyrep::plot::FrameMapping map(b, frame, 10);
  EXPECT_DOUBLE_EQ(map.x(-2), 110);
  EXPECT_DOUBLE_EQ(map.x(6), 290);
  EXPECT_DOUBLE_EQ(map.x(2), 200);
  EXPECT_DOUBLE_EQ(map.y(20), 60);   // top
  EXPECT_DOUBLE_EQ(map.y(10), 240);  // bottom
  b.x_max = b.x_min;                 // one distinct value: the middle
  EXPECT_DOUBLE_EQ(polyrep::plot::FrameMapping(b, frame, 10).x(-2), 200);
}

TEST(Layout, BadGroupsAreUsageErrors) {
  EXPECT_THROW(polyrep::plot::layout_figure({}, named_legend(1), {}), polyrep::UsageError);
  EXPECT_THROW(polyrep::plot::present_groups({panel_with({0, 3}, "t")}, 3), polyrep::UsageError);
  ScatterPanel p = panel_with({0, 1}, "t");
  p.group.push_back(0);
  EXPECT_THROW(polyrep::plot::present_groups({p}, 3), polyrep::UsageError);
}

}  // namespace
