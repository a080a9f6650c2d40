#include "polyrep/schema/results.hpp"

namespace polyrep::schema {
namespace {

std::string under(std::string_view kind, std::string_view cloud) {
  return std::string(results_group) + "/" + std::string(kind) + "/" + std::string(cloud);
}

}  // namespace

std::string PcaPaths::projection() const { return group + "/projection"; }
std::string PcaPaths::components() const { return group + "/components"; }
std::string PcaPaths::mean() const { return group + "/mean"; }
std::string PcaPaths::explained_variance() const { return group + "/explained_variance"; }
std::string PcaPaths::explained_variance_ratio() const { return group + "/explained_variance_ratio"; }

PcaPaths pca(std::string_view cloud) { return {under("pca", cloud)}; }

std::string TsnePaths::rows() const { return group + "/rows"; }
std::string TsnePaths::embedding() const { return group + "/embedding"; }
std::string TsnePaths::kl_divergence() const { return group + "/kl_divergence"; }

TsnePaths tsne(std::string_view cloud) { return {under("tsne", cloud)}; }

}  // namespace polyrep::schema
