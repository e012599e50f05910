import Fluent

/// Every migration, in order. Numbered and never edited once landed; a change is a new migration.
enum Migrations {
    static let all: [any Migration] = [
        M001_CreateCompanies(), M002_CreateUsers(), M003_CreateRefreshTokens(), M004_CreateMemberInvitations(),
        M005_CreateProjects(), M006_CreateBids(), M007_CreateInvitationsAndQuestions(),
        M008_CreateNotificationsAndIdempotency(), M009_PostgresScalingIndexes(), M010_CreateConversations(),
        M011_CreateOutbox(), M012_CreateRealtime(), M013_CreateDocuments(), M014_CreateWebSessions(),
        M015_AddRealtimeTicketSessions(), M016_AddRetentionIndexes(),
        M017_AddDocumentLifecycle(), M018_AddProjectTrades(), M019_AddCompanyBidCounters(),
        M020_ShareNotificationsPerCompany(), M021_AddListingIndexes(),
        M022_AddOpenPublicStateToProjectTrades(), M023_AddProjectCreatedAtToProjectTrades(),
        M024_AddPlannedRowsFunction(), M025_PartitionBidsByYear(),
        M026_AddArchiveTables(), M027_CountBidsFromTheirKeys(), M028_DeleteBidKeysPerStatement(),
        M029_BidKeysWithoutForeignKeyFromBids(), M030_DropUnreadArchiveIndexes()
    ]
}
