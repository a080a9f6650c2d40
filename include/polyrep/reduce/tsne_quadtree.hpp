#pragma once
/// The Barnes-Hut quadtree of a 2-D t-SNE layout. It is built top-down over a permutation of the
/// points (each cell owns a contiguous range, children in a fixed quadrant order), so the tree and
/// every force sum are deterministic. Non-empty cells are stored in depth-first order with the
/// index just past their subtree, so a traversal is a loop without a stack. A cell is summarised
/// by its centre of mass when width / distance < theta; leaves hold one point, or several
/// identical ones at the depth limit.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace polyrep::reduce {

class QuadTree {
 public:
  /// `xy` holds the points interleaved (x0, y0, x1, y1, ...); it is copied.
  explicit QuadTree(const std::vector<double>& xy);

  /// Repulsion on point i: adds sum_{j != i} q_ij^2 (y_i - y_j) to force[0..1] and returns
  /// sum_{j != i} q_ij, with q_ij = 1 / (1 + |y_i - y_j|^2) and far cells summarised.
  double repulsion(std::size_t i, double theta, double force[2]) const;

  std::size_t size() const { return xy_.size() / 2; }
  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct Node {
    double com_x = 0, com_y = 0;   // centre of mass
    double width = 0;              // side of the square cell
    std::int32_t skip = 0;         // first node after this subtree
    std::int32_t begin = 0, end = 0;  // the cell's points: order_[begin, end)
    bool leaf = true;
  };

  void build(std::int32_t begin, std::int32_t end, double cx, double cy, double half, int depth);

  std::vector<double> xy_;
  std::vector<std::int32_t> order_;
  std::vector<Node> nodes_;
  std::vector<std::int32_t> scratch_;
};

}  // namespace polyrep::reduce
