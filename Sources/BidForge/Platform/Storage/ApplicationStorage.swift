import S3Wire
import Vapor

extension Application {
    private struct ObjectStorageKey: StorageKey { typealias Value = any ObjectStorage }

    /// Set once in `configure` from `Settings.storage`.
    var objectStorage: any ObjectStorage {
        get { configured(ObjectStorageKey.self, "the object storage") }
        set { storage[ObjectStorageKey.self] = newValue }
    }

    func configureObjectStorage(_ location: Settings.StorageLocation) {
        switch location {
        case .local(let directory):
            objectStorage = LocalDiskStorage(root: directory)
        case .s3(let endpoint, let bucket, let region, let accessKeyId, let secretAccessKey):
            let clock = self.clock
            objectStorage = S3Storage(
                client: S3Client(
                    configuration: .init(
                        endpoint: endpoint, bucket: bucket, region: region,
                        credentials: S3Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey)),
                    clock: { clock.now() }))
        }
    }
}
