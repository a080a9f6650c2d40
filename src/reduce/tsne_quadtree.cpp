#include "polyrep/reduce/tsne_quadtree.hpp"

#include <algorithm>
#include <array>

namespace polyrep::reduce {
namespace {
// Identical points can never be separated; past this depth a cell stays a multi-point leaf.
constexpr int kMaxDepth = 48;
}  // namespace

QuadTree::QuadTree(const std::vector<double>& xy) : xy_(xy) {
  const auto n = static_cast<std::int32_t>(xy_.size() / 2);
  order_.resize(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i) order_[static_cast<std::size_t>(i)] = i;
  scratch_.resize(order_.size());
  nodes_.reserve(static_cast<std::size_t>(n) * 2 + 1);
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  for (std::int32_t i = 0; i < n; ++i) {
    const double x = xy_[2 * static_cast<std::size_t>(i)], y = xy_[2 * static_cast<std::size_t>(i) + 1];
    min_x = i == 0 ? x : std::min(min_x, x);
    max_x = i == 0 ? x : std::max(max_x, x);
    min_y = i == 0 ? y : std::min(min_y, y);
    max_y = i == 0 ? y : std::max(max_y, y);
  }
  // A little slack so that the maximum falls strictly inside the root cell.
  const double half = std::max(max_x - min_x, max_y - min_y) * 0.5 * (1 + 1e-9) + 1e-300;
  if (n > 0) build(0, n, 0.5 * (min_x + max_x), 0.5 * (min_y + max_y), half, 0);
  scratch_.clear();
  scratch_.shrink_to_fit();
}

void QuadTree::build(std::int32_t begin, std::int32_t end, double cx, double cy, double half,
                     int depth) {
  const auto index = static_cast<std::size_t>(nodes_.size());
  nodes_.emplace_back();
  double sx = 0, sy = 0;
  for (std::int32_t k = begin; k < end; ++k) {
    const auto j = static_cast<std::size_t>(order_[static_cast<std::size_t>(k)]);
    sx += xy_[2 * j];
    sy += xy_[2 * j + 1];
  }
  nodes_[index].com_x = sx / (end - begin);
  nodes_[index].com_y = sy / (end - begin);
  nodes_[index].width = 2 * half;
  nodes_[index].begin = begin;
  nodes_[index].end = end;
  nodes_[index].leaf = end - begin <= 1 || depth >= kMaxDepth;
  if (!nodes_[index].leaf) {
    // Stable counting partition into quadrants 0..3 = (x >= cx) + 2 (y >= cy).
    auto quadrant = [&](std::int32_t j) {
      const auto u = static_cast<std::size_t>(j);
      return static_cast<std::size_t>((xy_[2 * u] >= cx ? 1 : 0) + (xy_[2 * u + 1] >= cy ? 2 : 0));
    };
    std::array<std::int32_t, 5> start{};
    for (std::int32_t k = begin; k < end; ++k) ++start[quadrant(order_[static_cast<std::size_t>(k)]) + 1];
    start[0] = begin;
    for (std::size_t q = 1; q < 5; ++q) start[q] += start[q - 1];
    std::array<std::int32_t, 4> cursor{start[0], start[1], start[2], start[3]};
    for (std::int32_t k = begin; k < end; ++k) {
      const std::int32_t j = order_[static_cast<std::size_t>(k)];
      scratch_[static_cast<std::size_t>(cursor[quadrant(j)]++)] = j;
    }
    std::copy(scratch_.begin() + begin, scratch_.begin() + end, order_.begin() + begin);
    const double h = 0.5 * half;
    for (std::size_t q = 0; q < 4; ++q) {
      if (start[q + 1] > start[q]) {
        build(start[q], start[q + 1], cx + ((q & 1) ? h : -h), cy + ((q & 2) ? h : -h), h, depth + 1);
      }
    }
  }
  nodes_[index].skip = static_cast<std::int32_t>(nodes_.size());
}

double QuadTree::repulsion(std::size_t i, double theta, double force[2]) const {
  const double theta2 = theta * theta;
  const double xi = xy_[2 * i], yi = xy_[2 * i + 1];
  double sum_q = 0, fx = 0, fy = 0;
  const auto count = static_cast<std::int32_t>(nodes_.size());
  for (std::int32_t index = 0; index < count;) {
    const Node& node = nodes_[static_cast<std::size_t>(index)];
    if (node.leaf) {
      for (std::int32_t k = node.begin; k < node.end; ++k) {
        const auto j = static_cast<std::size_t>(order_[static_cast<std::size_t>(k)]);
        if (j == i) continue;
        const double dx = xi - xy_[2 * j], dy = yi - xy_[2 * j + 1];
        const double q = 1.0 / (1.0 + dx * dx + dy * dy);
        sum_q += q;
        fx += q * q * dx;
        fy += q * q * dy;
      }
      index = node.skip;
      continue;
    }
    const double dx = xi - node.com_x, dy = yi - node.com_y;
    const double d2 = dx * dx + dy * dy;
    if (node.width * node.width < theta2 * d2) {
      const double q = 1.0 / (1.0 + d2);
      const double mult = static_cast<double>(node.end - node.begin) * q;
      sum_q += mult;
      fx += mult * q * dx;
      fy += mult * q * dy;
      index = node.skip;
    } else {
      ++index;  // open the cell: its first child follows it
    }
  }
  force[0] += fx;
  force[1] += fy;
  return sum_q;
}

}  // namespace polyrep::reduce
