// Keeps polyrep_test_support non-empty until shared test helpers land.
namespace polyrep::test {
int support_placeholder() { return 0; }
}  // namespace polyrep::test
