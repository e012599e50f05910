import Fluent

extension Databases {
    /// Every model whose writes change something cached.
    func useCacheTouching() {
        middleware.use(CacheTouchingMiddleware<ProjectModel> {
            [CacheScope.project($0.id!), CacheScope.listings, CacheScope.analytics($0.companyId)]
        })
        middleware.use(CacheTouchingMiddleware<BidModel> { [CacheScope.project($0.projectId), CacheScope.analytics($0.companyId)] })
        middleware.use(CacheTouchingMiddleware<CompanyModel> { [CacheScope.company($0.id!)] })
        middleware.use(CacheTouchingMiddleware<InvitationModel> { [CacheScope.invitations($0.companyId), CacheScope.project($0.projectId)] })
    }
}
