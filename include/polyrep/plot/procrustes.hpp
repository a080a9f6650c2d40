#pragma once
/// Lines up one 2-D layout with another of the same points: PCA axes have arbitrary signs and
/// t-SNE layouts arbitrary rotations, so two models' panels of the same sentences can look mirrored
/// or turned although nothing moved. The orthogonal Procrustes solution (rotation or reflection,
/// plus translation; no scaling) is the R minimising |(B - mean B) R + mean A - A|: with
/// (B - mean B)^T (A - mean A) = U S V^T, R = U V^T. Distances within a layout are unchanged.
#include "polyrep/plot/report_data.hpp"

namespace polyrep::plot {

/// `moving` rotated or reflected and shifted onto `reference` (same number of points, point i
/// the same in both); a copy of `moving` when it has fewer than 2 points.
/// std::invalid_argument when the point counts differ.
Layout align_to(const Layout& moving, const Layout& reference);

}  // namespace polyrep::plot
