import Fluent

extension Databases {
    /// Every model whose writes change something cached.
    func useCacheTouching() {
        middleware.use(
            CacheTouchingMiddleware<ProjectModel> {
                [CacheScope.project(try $0.requireID()), CacheScope.listings, CacheScope.analytics($0.companyId)]
            })
        middleware.use(
            CacheTouchingMiddleware<BidModel> { [CacheScope.project($0.projectId), CacheScope.analytics($0.companyId)] }
        )
        middleware.use(CacheTouchingMiddleware<CompanyModel> { [CacheScope.company(try $0.requireID())] })
        middleware.use(
            CacheTouchingMiddleware<InvitationModel> {
                [CacheScope.invitations($0.companyId), CacheScope.project($0.projectId)]
            })
    }
}
